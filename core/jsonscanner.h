// SPDX-License-Identifier: MIT
#pragma once

#include <QByteArray>
#include <QByteArrayView>

namespace Kodemon {

// Walks JSON text token by token without building values, so that a caller can cut out a value's exact text.
// Checks structure (brackets, strings, escapes) but not the contents of numbers and literals. Pure.
class JsonScanner final
{
public:
    explicit JsonScanner(QByteArrayView json)
        : m_at(json.data())
        , m_end(json.data() + json.size())
    { }

    // Skips white space, then consumes `c` if it comes next.
    bool take(char c);
    // Reads a string; `raw` gets its text between the quotes, escapes as written.
    bool string(QByteArrayView& raw);
    // Skips one value of any kind; `raw` gets its text.
    bool value(QByteArrayView& raw);
    bool atEnd();

private:
    void skipSpace();
    bool skipString();
    bool skipContainer(int depth);
    bool skipValue(int depth);
    bool skipScalar();

    const char* m_at;
    const char* m_end;
};

} // namespace Kodemon
