// SPDX-License-Identifier: MIT
#include "fastdatagram.h"

#include "datagram.h"

#include <charconv>
#include <cmath>

namespace Kodemon {

QString StringCache::get(QByteArrayView utf8)
{
    if (auto it = m_strings.constFind(QByteArray::fromRawData(utf8.data(), utf8.size())); it != m_strings.constEnd())
        return it.value();
    if (m_strings.size() >= MaxEntries)
        m_strings.clear();
    const QString string = QString::fromLatin1(utf8); // the fast path only lets ASCII through
    m_strings.insert(utf8.toByteArray(), string);
    return string;
}

namespace {

// A cursor over the datagram; every reader returns false on anything it does not accept.
class Scanner
{
public:
    explicit Scanner(QByteArrayView text)
        : m_at(text.data())
        , m_end(text.data() + text.size())
    { }

    void skipSpace()
    {
        while (m_at < m_end && (*m_at == ' ' || *m_at == '\t' || *m_at == '\n' || *m_at == '\r'))
            ++m_at;
    }
    bool take(char c)
    {
        skipSpace();
        if (m_at == m_end || *m_at != c)
            return false;
        ++m_at;
        return true;
    }
    bool atEnd()
    {
        skipSpace();
        return m_at == m_end;
    }
    // A string of printable ASCII without escapes.
    bool string(QByteArrayView& out)
    {
        if (!take('"'))
            return false;
        const char* start = m_at;
        while (m_at < m_end && *m_at != '"') {
            const auto c = static_cast<unsigned char>(*m_at);
            if (c < 0x20 || c >= 0x80 || c == '\\')
                return false;
            ++m_at;
        }
        if (m_at == m_end)
            return false;
        out = QByteArrayView(start, m_at - start);
        ++m_at;
        return true;
    }

    // A JSON number (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?) that fits a finite double.
    bool number(double& out)
    {
        skipSpace();
        const char* start = m_at;
        if (m_at < m_end && *m_at == '-')
            ++m_at;
        if (m_at < m_end && *m_at == '0')
            ++m_at;
        else if (!digits(1))
            return false;
        if (m_at < m_end && *m_at == '.') {
            ++m_at;
            if (!digits(1))
                return false;
        }
        if (m_at < m_end && (*m_at == 'e' || *m_at == 'E')) {
            ++m_at;
            if (m_at < m_end && (*m_at == '+' || *m_at == '-'))
                ++m_at;
            if (!digits(1))
                return false;
        }
        const auto [end, error] = std::from_chars(start, m_at, out);
        return error == std::errc() && end == m_at && std::isfinite(out);
    }

private:
    bool digits(int atLeast)
    {
        const char* start = m_at;
        while (m_at < m_end && *m_at >= '0' && *m_at <= '9')
            ++m_at;
        return m_at - start >= atLeast;
    }

    const char* m_at;
    const char* m_end;
};

enum Member { Key = 1, ExecutionTime = 2, Timestamp = 4, Token = 8 };

int memberOf(QByteArrayView name)
{
    if (name == "key")
        return Key;
    if (name == "execution_time")
        return ExecutionTime;
    if (name == "timestamp")
        return Timestamp;
    if (name == "token")
        return Token;
    return 0;
}

QString makeString(QByteArrayView bytes, StringCache* strings)
{
    return strings ? strings->get(bytes) : QString::fromLatin1(bytes);
}

bool readMember(Scanner& in, int member, Sample& sample, StringCache* strings)
{
    QByteArrayView text;
    switch (member) {
    case Key:
        if (!in.string(text) || text.isEmpty() || text.size() > MaxKeyBytes)
            return false;
        sample.key = makeString(text, strings);
        return true;
    case Token:
        if (!in.string(text))
            return false;
        sample.token = makeString(text, strings);
        return true;
    case ExecutionTime:
        return in.number(sample.executionTime) && sample.executionTime >= 0;
    case Timestamp:
        return in.number(sample.timestamp);
    default:
        return false;
    }
}

} // namespace

std::optional<Sample> parseSimpleObject(QByteArrayView text, StringCache* strings)
{
    Scanner in(text);
    if (!in.take('{'))
        return std::nullopt;
    Sample sample;
    int seen = 0;
    do {
        QByteArrayView name;
        if (!in.string(name) || !in.take(':'))
            return std::nullopt;
        const int member = memberOf(name);
        if (member == 0 || (seen & member) || !readMember(in, member, sample, strings))
            return std::nullopt;
        seen |= member;
    } while (in.take(','));
    if (!in.take('}') || !in.atEnd())
        return std::nullopt;
    if ((seen & (Key | ExecutionTime | Timestamp)) != (Key | ExecutionTime | Timestamp))
        return std::nullopt;
    return sample;
}

} // namespace Kodemon
