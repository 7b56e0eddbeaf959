// SPDX-License-Identifier: MIT
#include "base/jsonscanner.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

namespace Kodemon {

namespace {

constexpr int MaxDepth = 512; // deeper than anything Kodemon stores (datagrams are limited far below)

bool isSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

// The length of the well-formed UTF-8 sequence (Unicode table 3-7) at `at`, or 0. Qt's parser takes exactly these:
// it refuses overlong forms, encoded surrogates and code points above U+10FFFF.
int utf8SequenceLength(const unsigned char* at, const unsigned char* end)
{
    const unsigned char lead = at[0];
    int length = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : low;
        high = lead == 0xED ? 0x9F : high;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : low;
        high = lead == 0xF4 ? 0x8F : high;
    } else {
        return 0;
    }
    if (end - at < length || at[1] < low || at[1] > high)
        return 0;
    for (int i = 2; i < length; ++i) {
        if (at[i] < 0x80 || at[i] > 0xBF)
            return 0;
    }
    return length;
}

// Decodes a JSON string's raw text to UTF-8 the way Qt's parser reads it, where the result is certain: the standard
// escapes, surrogate pairs and well-formed UTF-8. Control characters, lone surrogates and the escapes only Qt's
// lenient parser takes (it reads \x as x) fail and are left to the full parser.
class StringDecoder
{
public:
    explicit StringDecoder(QByteArrayView raw)
        : m_at(reinterpret_cast<const unsigned char*>(raw.data()))
        , m_end(m_at + raw.size())
    {
        m_utf8.reserve(raw.size());
    }

    std::optional<QByteArray> run()
    {
        while (m_at < m_end) {
            if (!(*m_at == '\\' ? escape() : *m_at >= 0x80 ? utf8() : plainByte()))
                return std::nullopt;
        }
        return m_utf8;
    }

private:
    bool plainByte()
    {
        if (*m_at < 0x20)
            return false;
        m_utf8.append(char(*m_at++));
        return true;
    }

    bool utf8()
    {
        const int length = utf8SequenceLength(m_at, m_end);
        m_utf8.append(reinterpret_cast<const char*>(m_at), length);
        m_at += length;
        return length > 0;
    }

    bool escape()
    {
        if (++m_at == m_end)
            return false;
        const char escaped = char(*m_at++);
        if (escaped == 'u')
            return unicodeEscape();
        static constexpr char From[] = "\"\\/bfnrt";
        static constexpr char To[] = "\"\\/\b\f\n\r\t";
        const char* found = std::strchr(From, escaped);
        if (escaped == '\0' || !found)
            return false;
        m_utf8.append(To[found - From]);
        return true;
    }

    bool unicodeEscape()
    {
        char32_t unit = 0;
        if (!hex4(unit) || (unit >= 0xDC00 && unit <= 0xDFFF))
            return false;
        if (unit >= 0xD800 && unit <= 0xDBFF) {
            char32_t low = 0;
            if (m_end - m_at < 2 || m_at[0] != '\\' || m_at[1] != 'u')
                return false;
            m_at += 2;
            if (!hex4(low) || low < 0xDC00 || low > 0xDFFF)
                return false;
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
        }
        appendUtf8(unit);
        return true;
    }

    bool hex4(char32_t& out)
    {
        if (m_end - m_at < 4)
            return false;
        for (int i = 0; i < 4; ++i) {
            const unsigned char c = *m_at++;
            const int digit = c >= '0' && c <= '9'       ? c - '0'
                : (c | 0x20) >= 'a' && (c | 0x20) <= 'f' ? (c | 0x20) - 'a' + 10
                                                         : -1;
            if (digit < 0)
                return false;
            out = out * 16 + char32_t(digit);
        }
        return true;
    }

    void appendUtf8(char32_t c)
    {
        if (c < 0x80) {
            m_utf8.append(char(c));
        } else if (c < 0x800) {
            m_utf8.append(char(0xC0 | (c >> 6))).append(char(0x80 | (c & 0x3F)));
        } else if (c < 0x10000) {
            m_utf8.append(char(0xE0 | (c >> 12))).append(char(0x80 | ((c >> 6) & 0x3F)));
            m_utf8.append(char(0x80 | (c & 0x3F)));
        } else {
            m_utf8.append(char(0xF0 | (c >> 18))).append(char(0x80 | ((c >> 12) & 0x3F)));
            m_utf8.append(char(0x80 | ((c >> 6) & 0x3F))).append(char(0x80 | (c & 0x3F)));
        }
    }

    const unsigned char* m_at;
    const unsigned char* m_end;
    QByteArray m_utf8;
};

// Powers of ten a double holds exactly: with a mantissa below 2^53, one multiplication or division by one of these
// is correctly rounded (Clinger's fast path), as every correct decimal reader rounds.
constexpr std::array<double, 23> ExactPowersOfTen = { 1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22 };
constexpr quint64 MaxExactMantissa = quint64(1) << 53;
constexpr int MaxSignificantDigits = 19; // what a quint64 holds; longer mantissas go to std::from_chars
constexpr qsizetype MaxNumberLength = 64; // far beyond any double's shortest form; longer ones are not ours to read

// Reads a number in two steps: first its grammar in tight loops, then its value from the digits found, exactly when
// the mantissa and the power of ten are exact doubles, else with std::from_chars (correctly rounded, as Qt's reader).
class NumberReader
{
public:
    explicit NumberReader(QByteArrayView text)
        : m_at(text.data())
        , m_end(text.data() + std::min(text.size(), MaxNumberLength + 1))
    { }

    qsizetype read(double& out)
    {
        const char* start = m_at;
        const bool negative = m_at < m_end && *m_at == '-';
        m_at += negative ? 1 : 0;
        if (!integerPart() || !fractionPart() || !exponentPart() || m_at - start > MaxNumberLength)
            return 0;
        if (!value(QByteArrayView(start + (negative ? 1 : 0), m_at), out))
            return 0;
        out = negative ? -out : out;
        if (out == 0)
            out = 0; // Qt keeps integral numbers as integers: "-0" and "-0.0" read as +0
        return m_at - start;
    }

private:
    bool isDigit() const { return m_at < m_end && unsigned(*m_at - '0') < 10; }

    const char* skipDigits()
    {
        const char* start = m_at;
        while (isDigit())
            ++m_at;
        return start;
    }

    bool integerPart()
    {
        m_integer = m_at;
        if (m_at < m_end && *m_at == '0')
            ++m_at;
        else
            skipDigits();
        m_integerEnd = m_fraction = m_fractionEnd = m_at;
        return m_at > m_integer;
    }

    bool fractionPart()
    {
        if (m_at == m_end || *m_at != '.')
            return true;
        ++m_at;
        m_fraction = skipDigits();
        m_fractionEnd = m_at;
        return m_at > m_fraction;
    }

    bool exponentPart()
    {
        if (m_at == m_end || (*m_at != 'e' && *m_at != 'E'))
            return true;
        ++m_at;
        const bool negative = m_at < m_end && *m_at == '-';
        if (m_at < m_end && (*m_at == '-' || *m_at == '+'))
            ++m_at;
        const char* start = skipDigits();
        if (m_at == start || m_at - start > 4) // 1e9999 is far out of any double's range already
            return false;
        int value = 0;
        for (const char* digit = start; digit < m_at; ++digit)
            value = value * 10 + (*digit - '0');
        m_exponent = negative ? -value : value;
        return true;
    }

    // Digits [from, to) appended to the mantissa, leading zeros skipped; false when there are too many.
    bool addDigits(const char* from, const char* to, quint64& mantissa, int& significant) const
    {
        for (const char* digit = from; digit < to; ++digit) {
            if (significant == 0 && *digit == '0')
                continue;
            if (++significant > MaxSignificantDigits)
                return false;
            mantissa = mantissa * 10 + quint64(*digit - '0');
        }
        return true;
    }

    // `digits` is the number's text without its sign.
    bool value(QByteArrayView digits, double& out) const
    {
        quint64 mantissa = 0;
        int significant = 0;
        const int exponent = m_exponent - int(m_fractionEnd - m_fraction);
        if (addDigits(m_integer, m_integerEnd, mantissa, significant)
            && addDigits(m_fraction, m_fractionEnd, mantissa, significant) && mantissa <= MaxExactMantissa
            && exponent >= -22 && exponent <= 22) {
            out = exponent >= 0 ? double(mantissa) * ExactPowersOfTen[size_t(exponent)]
                                : double(mantissa) / ExactPowersOfTen[size_t(-exponent)];
            return true;
        }
        const auto [stop, error] = std::from_chars(digits.data(), digits.data() + digits.size(), out);
        // Subnormal and underflowing results are where decimal readers may differ, or Qt refuses: not certain.
        return error == std::errc() && stop == digits.data() + digits.size() && std::isnormal(out);
    }

    const char* m_at;
    const char* m_end;
    const char* m_integer = nullptr;
    const char* m_integerEnd = nullptr;
    const char* m_fraction = nullptr;
    const char* m_fractionEnd = nullptr;
    int m_exponent = 0;
};

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

std::optional<QByteArray> decodeJsonString(QByteArrayView raw)
{
    return StringDecoder(raw).run();
}

qsizetype readJsonNumber(QByteArrayView text, double& out)
{
    return NumberReader(text).read(out);
}

} // namespace Kodemon
