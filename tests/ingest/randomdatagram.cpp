// SPDX-License-Identifier: MIT
#include "randomdatagram.h"

#include <cmath>
#include <QList>
#include <QLocale>

namespace Kodemon::Test {

namespace {

// Pieces of string contents: mostly what json.dumps writes (ensure_ascii escapes), then raw UTF-8 as other clients
// send it, then what only a broken or hostile sender writes.
const char* const CommonPieces[] = { "a", "Z", "/", " ", ".", "..", "-", "_", "views.py", "0", "%", "#", "~" };
const char* const EscapePieces[] = { "\\/", "\\\"", "\\\\", "\\n", "\\t", "\\r", "\\b", "\\f", "\\u00e9", "\\u00E9",
    "\\u65e5\\u672c", "\\ud83d\\ude80", "\\u0000", "\\u001f", "\\u007f", "\\uffff", "\\u0041", "\\udbff\\udfff" };
const char* const Utf8Pieces[] = { "\xc3\xa9", "\xe6\x97\xa5", "\xf0\x9f\x9a\x80", "\xef\xbf\xbf", "\xc2\x80",
    "\xf4\x8f\xbf\xbf", "\xed\x9f\xbf", "\xee\x80\x80" };
const char* const OddPieces[]
    = { "\\ud800", "\\udc00", "\\ude80\\ud83d", "\\ud800\\u0041", "\\x41", "\\'", "\\u00e", "\\u12g4", "\x01", "\t",
          "\x7f", "\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc3", "\xe2\x82", "\x80", "\\" };
const char* const NumberForms[] = { "0", "-0", "-0.0", "0.0", "1", "31.9", "1e5", "1E-5", "2.5e+2", "1e22", "1e23",
    "-1e-22", "0.1", "1.5e-05", "8.64e7", "9007199254740993", "9223372036854775807", "9223372036854775808",
    "-9223372036854775809", "18446744073709551616", "123456789012345678901234", "0.30000000000000004",
    "1.7976931348623157e308", "2.2250738585072014e-308", "5e-324", "1e-310", "1e-400", "1e400", "01", "1.", ".5", "+1",
    "-", "1e", "0x10", "NaN", "Infinity", "1.000", "100e-2", "0.000000000000000000001" };
const char* const Scalars[] = { "true", "false", "null", "\"\"", "[]", "{}" };
const char* const ExtraNames[] = { "project", "version", "ratio", "tags", "component", "meta", "Key", "keys", "token2",
    "", "caf\xc3\xa9", "a b", "execution", "time_stamp" };
const char* const Spaces[] = { "", " ", "  ", "\n", "\t", "\r\n", " \n  " };

} // namespace

QByteArray RandomDatagram::space()
{
    return chance(70) ? QByteArray(chance(50) ? "" : " ") : QByteArray(pick(Spaces));
}

QByteArray RandomDatagram::stringPiece()
{
    const int kind = int(m_random.bounded(100));
    if (kind < 60)
        return pick(CommonPieces);
    if (kind < 80)
        return pick(EscapePieces);
    if (kind < 95)
        return pick(Utf8Pieces);
    return pick(OddPieces);
}

QByteArray RandomDatagram::string(int pieces)
{
    QByteArray text = "\"";
    for (int i = 0; i < pieces; ++i)
        text += stringPiece();
    return text + '"';
}

QByteArray RandomDatagram::key()
{
    if (chance(3)) // around the 1024-byte limit, in ASCII or in two-byte characters
        return '"' + QByteArray(1020 + m_random.bounded(8), 'k') + '"';
    if (chance(2))
        return '"' + QByteArray(510 + m_random.bounded(4), 'x').replace("x", "\\u00e9") + '"';
    return string(int(m_random.bounded(12)));
}

QByteArray RandomDatagram::number()
{
    if (chance(40))
        return pick(NumberForms);
    const double magnitude = std::pow(10.0, m_random.bounded(-8, 12));
    const double value = (chance(20) ? -1 : 1) * m_random.generateDouble() * magnitude;
    switch (m_random.bounded(4)) {
    case 0:
        return QByteArray::number(value, 'g', 17);
    case 1:
        return QByteArray::number(value, 'g', QLocale::FloatingPointShortest);
    case 2:
        return QByteArray::number(value, 'e', int(m_random.bounded(1, 17)));
    default:
        return QByteArray::number(qint64(value));
    }
}

QByteArray RandomDatagram::scalar()
{
    return chance(50) ? number() : chance(50) ? string(int(m_random.bounded(5))) : QByteArray(pick(Scalars));
}

QByteArray RandomDatagram::value(int depth)
{
    if (depth > 3 || chance(60))
        return scalar();
    const bool object = chance(50);
    QByteArray text = object ? "{" : "[";
    const int count = int(m_random.bounded(4));
    for (int i = 0; i < count; ++i) {
        text += (i > 0 ? "," : "") + space();
        if (object)
            text += string(int(m_random.bounded(3))) + space() + ':' + space();
        text += value(depth + 1) + space();
    }
    return text + (object ? "}" : "]");
}

// Around the 64-level limit: the datagram's object is one level, so 63 more are allowed.
QByteArray RandomDatagram::deepValue()
{
    const int levels = 60 + int(m_random.bounded(8));
    QByteArray opening;
    QByteArray closing;
    for (int i = 0; i < levels; ++i) {
        const bool array = chance(50);
        opening += array ? "[" : "{\"n\":";
        closing.prepend(array ? ']' : '}');
    }
    return opening + '1' + closing;
}

QByteArray RandomDatagram::extraName()
{
    if (chance(5))
        return pick(EscapePieces) + QByteArray("x"); // an escaped name: the full parser's to read
    return pick(ExtraNames);
}

QByteArray RandomDatagram::member(const QByteArray& name, const QByteArray& value)
{
    return '"' + name + '"' + space() + ':' + space() + value;
}

QByteArray RandomDatagram::mutate(QByteArray text)
{
    const char alphabet[] = " \t{}[]\":,.-+eE0123456789abcdefkuxyz\\\n\x80\xff\xc3\xa9";
    const int edits = 1 + int(m_random.bounded(3));
    for (int e = 0; e < edits && !text.isEmpty(); ++e) {
        const int at = int(m_random.bounded(int(text.size())));
        const char c = alphabet[m_random.bounded(int(sizeof alphabet - 1))];
        switch (m_random.bounded(3)) {
        case 0:
            text[at] = c;
            break;
        case 1:
            text.insert(at, c);
            break;
        default:
            text.remove(at, 1);
            break;
        }
    }
    return text;
}

QByteArray RandomDatagram::next()
{
    QList<QByteArray> members;
    members.append(member("key", chance(97) ? key() : scalar()));
    members.append(member("execution_time", chance(97) ? number() : scalar()));
    members.append(member("timestamp", chance(97) ? number() : scalar()));
    if (chance(80))
        members.append(member("token", chance(95) ? string(int(m_random.bounded(4))) : scalar()));
    const int extras = chance(50) ? 0 : int(m_random.bounded(1, 5));
    for (int i = 0; i < extras; ++i)
        members.append(member(extraName(), chance(3) ? deepValue() : value(0)));
    if (chance(3)) // a duplicate of one of the decorator's own members
        members.append(members.at(m_random.bounded(int(members.size()))));
    for (qsizetype i = members.size() - 1; i > 0; --i)
        members.swapItemsAt(i, m_random.bounded(int(i + 1)));

    QByteArray text = space() + '{' + space();
    for (qsizetype i = 0; i < members.size(); ++i)
        text += (i > 0 ? "," + space() : QByteArray()) + members.at(i) + space();
    text += '}' + space();
    return chance(25) ? mutate(text) : text;
}

} // namespace Kodemon::Test
