// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
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

// Decodes a JSON string's raw text (between the quotes, escapes as written) to UTF-8 exactly as Qt's parser reads it,
// where that is certain: the standard escapes, surrogate pairs and well-formed UTF-8. Control characters, lone
// surrogates and the escapes only Qt's lenient parser takes (it reads \x as x) give nullopt.
std::optional<QByteArray> decodeJsonString(QByteArrayView raw);

// Reads the JSON number (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) that `text` starts with, to the double Qt's
// parser makes of it, and returns its length; 0 when it is malformed or its reading is not certain (subnormal,
// underflowing or overflowing, more than 19 significant digits).
qsizetype readJsonNumber(QByteArrayView text, double& out);

} // namespace Kodemon
