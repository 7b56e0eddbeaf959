// SPDX-License-Identifier: MIT
#include "ingest/fastdatagram.h"

#include "base/jsonscanner.h"
#include "ingest/datagram.h"
#include "ingest/jsontext.h"
#include "ingest/stringcache.h"

#include <array>
#include <cstring>
#include <QVarLengthArray>

#ifdef __SSE2__
#include <emmintrin.h>
#endif

namespace Kodemon {

namespace {

using namespace JsonText;

// Skips the printable ASCII at the start of a string's contents, 16 bytes at a time where SSE2 is there (every
// x86-64): stops at a quote, a backslash, a control character or a non-ASCII byte; a signed compare with 0x20
// finds both of the latter.
const char* skipPlain(const char* at, const char* end)
{
#ifdef __SSE2__
    const __m128i quote = _mm_set1_epi8('"');
    const __m128i backslash = _mm_set1_epi8('\\');
    const __m128i space = _mm_set1_epi8(0x20);
    for (; end - at >= 16; at += 16) {
        const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
        const __m128i special = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(bytes, quote), _mm_cmpeq_epi8(bytes, backslash)), _mm_cmplt_epi8(bytes, space));
        if (const int found = _mm_movemask_epi8(special))
            return at + __builtin_ctz(unsigned(found));
    }
#endif
    while (at < end && classOf(*at) == Plain)
        ++at;
    return at;
}

// A cursor over one datagram; every reader returns false on anything it does not accept.
class Scanner
{
public:
    explicit Scanner(QByteArrayView text)
        : m_at(text.data())
        , m_end(text.data() + text.size())
    { }

    const char* position() const { return m_at; }

    void skipSpace()
    {
        while (m_at < m_end && (*m_at == ' ' || *m_at == '\n' || *m_at == '\r' || *m_at == '\t'))
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

    bool string(RawString& out)
    {
        if (!take('"'))
            return false;
        const char* start = m_at;
        out.escaped = false;
        out.plain = true;
        while ((m_at = skipPlain(m_at, m_end)) < m_end) {
            switch (classOf(*m_at)) {
            case Quote:
                out.text = QByteArrayView(start, m_at - start);
                ++m_at;
                return true;
            case Backslash:
                out.escaped = true;
                out.plain = false;
                if (++m_at == m_end)
                    return false;
                ++m_at; // the escaped byte, whatever it is, does not end the string
                break;
            default: // control characters and UTF-8
                out.plain = false;
                ++m_at;
                break;
            }
        }
        return false;
    }

    bool number(double& out)
    {
        skipSpace();
        const qsizetype length = readJsonNumber(QByteArrayView(m_at, m_end - m_at), out);
        m_at += length;
        return length > 0;
    }

    // Skips one value of any kind inside the object (depth 1) without checking scalars or string contents:
    // extra members are checked by QJsonDocument when they are normalised.
    bool skipValue(int depth)
    {
        skipSpace();
        if (m_at == m_end)
            return false;
        if (*m_at == '"') {
            RawString ignored;
            return string(ignored);
        }
        if (*m_at == '{' || *m_at == '[')
            return skipContainer(depth + 1);
        return skipScalar();
    }

private:
    bool skipContainer(int depth)
    {
        if (depth > MaxNesting)
            return false;
        const bool object = *m_at == '{';
        const char close = object ? '}' : ']';
        ++m_at;
        if (take(close))
            return true;
        do {
            RawString name;
            if (object && !(string(name) && take(':')))
                return false;
            if (!skipValue(depth))
                return false;
        } while (take(','));
        return take(close);
    }

    // Numbers, true, false and null.
    bool skipScalar()
    {
        const char* start = m_at;
        while (m_at < m_end
            && ((*m_at >= '0' && *m_at <= '9') || ((*m_at | 0x20) >= 'a' && (*m_at | 0x20) <= 'z') || *m_at == '-'
                || *m_at == '+' || *m_at == '.'))
            ++m_at;
        return m_at > start;
    }

    const char* m_at;
    const char* m_end;
};

enum Member { Extra = 0, Key = 1, ExecutionTime = 2, Timestamp = 4, Token = 8 };

// Compared with memcmp of a constant size, which the compiler turns into a few integer compares.
Member memberNamed(QByteArrayView name)
{
    switch (name.size()) {
    case 3:
        return std::memcmp(name.data(), "key", 3) == 0 ? Key : Extra;
    case 5:
        return std::memcmp(name.data(), "token", 5) == 0 ? Token : Extra;
    case 9:
        return std::memcmp(name.data(), "timestamp", 9) == 0 ? Timestamp : Extra;
    case 14:
        return std::memcmp(name.data(), "execution_time", 14) == 0 ? ExecutionTime : Extra;
    default:
        return Extra;
    }
}

// Where the extra members sit in the datagram: runs of adjacent members, split by the decorator's own members.
class ExtraRuns
{
public:
    bool isEmpty() const { return m_count == 0; }

    bool add(const char* begin, const char* end)
    {
        if (m_open) {
            m_runs[m_count - 1] = QByteArrayView(m_runs[m_count - 1].data(), end - m_runs[m_count - 1].data());
            return true;
        }
        if (m_count == int(m_runs.size()))
            return false;
        m_runs[m_count++] = QByteArrayView(begin, end - begin);
        m_open = true;
        return true;
    }

    void close() { m_open = false; }

    // The members as one comma-separated text: the datagram itself when they are adjacent, else `buffer`.
    template<typename Buffer> QByteArrayView text(Buffer& buffer) const
    {
        if (m_count == 1)
            return m_runs[0];
        for (int i = 0; i < m_count; ++i) {
            if (i > 0)
                buffer.append(',');
            buffer.append(m_runs[i].data(), m_runs[i].size());
        }
        return QByteArrayView(buffer.data(), buffer.size());
    }

private:
    std::array<QByteArrayView, 5> m_runs; // four known members split the extras into five runs at most
    int m_count = 0;
    bool m_open = false;
};

// Reads one object of the decorator's format into a sample.
class ObjectReader
{
public:
    ObjectReader(QByteArrayView text, Sample& sample, StringCache* strings)
        : m_in(text)
        , m_sample(sample)
        , m_strings(strings)
    { }

    bool read()
    {
        if (!m_in.take('{'))
            return false;
        do {
            if (!member())
                return false;
        } while (m_in.take(','));
        constexpr int Required = Key | ExecutionTime | Timestamp;
        return m_in.take('}') && m_in.atEnd() && (m_seen & Required) == Required && readExtras();
    }

private:
    bool member()
    {
        m_in.skipSpace();
        const char* start = m_in.position();
        RawString name;
        // An escaped name might spell a known member ("k\u0065y"): the full parser decides.
        if (!m_in.string(name) || name.escaped || !m_in.take(':'))
            return false;
        const Member member = memberNamed(name.text);
        if (member == Extra)
            return m_in.skipValue(1) && m_extras.add(start, m_in.position());
        m_extras.close();
        if (m_seen & member)
            return false; // a duplicate: the full parser keeps the last one
        m_seen |= member;
        return knownValue(member);
    }

    bool knownValue(Member member)
    {
        qsizetype utf8Bytes = 0;
        switch (member) {
        case Key:
            return string(m_sample.key, utf8Bytes) && !m_sample.key.isEmpty() && utf8Bytes <= MaxKeyBytes;
        case Token:
            return string(m_sample.token, utf8Bytes);
        case ExecutionTime:
            return m_in.number(m_sample.executionTime) && m_sample.executionTime >= 0;
        case Timestamp:
            return m_in.number(m_sample.timestamp);
        default:
            return false;
        }
    }

    bool string(QString& out, qsizetype& utf8Bytes)
    {
        RawString raw;
        if (!m_in.string(raw))
            return false;
        if (m_strings) {
            const auto* text = m_strings->text(raw.text);
            if (!text)
                return false;
            out = text->string;
            utf8Bytes = text->utf8Bytes;
            return true;
        }
        auto text = decodeString(raw);
        if (!text)
            return false;
        out = std::move(text->string);
        utf8Bytes = text->utf8Bytes;
        return true;
    }

    bool readExtras()
    {
        if (m_extras.isEmpty())
            return true;
        QVarLengthArray<char, 1024> buffer; // Python 2 scatters kwargs between the decorator's members
        const QByteArrayView members = m_extras.text(buffer);
        m_sample.extra = m_strings ? m_strings->extra(members) : normalisedExtra(members);
        return !m_sample.extra.isNull();
    }

    Scanner m_in;
    Sample& m_sample;
    StringCache* m_strings;
    int m_seen = 0;
    ExtraRuns m_extras;
};

} // namespace

bool parseSimpleObject(QByteArrayView text, Sample& sample, StringCache* strings)
{
    return ObjectReader(text, sample, strings).read();
}

std::optional<Sample> parseSimpleObject(QByteArrayView text, StringCache* strings)
{
    Sample sample;
    if (!parseSimpleObject(text, sample, strings))
        return std::nullopt;
    return sample;
}

} // namespace Kodemon
