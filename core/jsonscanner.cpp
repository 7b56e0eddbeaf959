// SPDX-License-Identifier: MIT
#include "jsonscanner.h"

#include <cstring>

namespace Kodemon {

namespace {

constexpr int MaxDepth = 512; // deeper than anything Kodemon stores (datagrams are limited far below)

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

void JsonScanner::skipSpace()
{
    while (m_at < m_end && isSpace(*m_at))
        ++m_at;
}

bool JsonScanner::take(char c)
{
    skipSpace();
    if (m_at == m_end || *m_at != c)
        return false;
    ++m_at;
    return true;
}

bool JsonScanner::atEnd()
{
    skipSpace();
    return m_at == m_end;
}

bool JsonScanner::skipString()
{
    if (m_at == m_end || *m_at != '"')
        return false;
    for (++m_at; m_at < m_end; ++m_at) {
        if (*m_at == '\\') {
            ++m_at; // the escaped character, whatever it is, cannot end the string
            continue;
        }
        if (*m_at == '"') {
            ++m_at;
            return true;
        }
    }
    return false;
}

bool JsonScanner::string(QByteArrayView& raw)
{
    skipSpace();
    const char* start = m_at;
    if (!skipString())
        return false;
    raw = QByteArrayView(start + 1, m_at - start - 2);
    return true;
}

bool JsonScanner::skipScalar()
{
    const char* start = m_at;
    while (m_at < m_end && !isSpace(*m_at) && !std::strchr(",:]}[{\"", *m_at))
        ++m_at;
    return m_at > start;
}

bool JsonScanner::skipContainer(int depth)
{
    const char close = *m_at == '{' ? '}' : ']';
    const bool object = close == '}';
    ++m_at;
    if (take(close))
        return true;
    do {
        QByteArrayView name;
        if (object && !(string(name) && take(':')))
            return false;
        skipSpace();
        if (!skipValue(depth + 1))
            return false;
    } while (take(','));
    return take(close);
}

bool JsonScanner::skipValue(int depth)
{
    if (m_at == m_end || depth > MaxDepth)
        return false;
    if (*m_at == '"')
        return skipString();
    if (*m_at == '{' || *m_at == '[')
        return skipContainer(depth);
    return skipScalar();
}

bool JsonScanner::value(QByteArrayView& raw)
{
    skipSpace();
    const char* start = m_at;
    if (!skipValue(0))
        return false;
    raw = QByteArrayView(start, m_at - start);
    return true;
}

} // namespace Kodemon
