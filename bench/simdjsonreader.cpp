// SPDX-License-Identifier: MIT
#include "simdjsonreader.h"

#include "ingest/datagram.h"
#include "ingest/jsontext.h"
#include "ingest/stringcache.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <optional>
#include <simdjson.h>

namespace Kodemon {

namespace {

namespace dom = simdjson::dom;

// simdjson reads up to SIMDJSON_PADDING bytes past the end: each receiving thread copies its datagram into one
// padded buffer. The DOM parser, not On-Demand: On-Demand validates only what it visits, and took
// {"a": "": "b", ...} (a member without its comma) among the random objects of tests/ingest/randomdatagram.h.
struct Reader
{
    Reader()
        : buffer(new char[size_t(MaxDatagramBytes) + simdjson::SIMDJSON_PADDING])
    {
        ready = parser.allocate(size_t(MaxDatagramBytes), size_t(MaxNesting)) == simdjson::SUCCESS;
    }
    dom::parser parser;
    std::unique_ptr<char[]> buffer;
    bool ready = false;
};

Reader& reader()
{
    thread_local Reader instance;
    return instance;
}

// Mantissas of more than 19 significant digits take simdjson 3.0.1's slow path, which read 0.040093359545375919218
// as 0.0031998713979568159 in the random objects of tests/ingest/randomdatagram.h; Python's repr writes at most 17.
constexpr int MaxSignificantDigits = 19;

// An exponent of three digits or more: simdjson reads 1e-400 as 0 where the full parser refuses it, even in an
// extra member (the random objects of tests/ingest/randomdatagram.h), and json.dumps never writes one for a time.
bool longExponent(QByteArrayView text, qsizetype e)
{
    if (e == 0 || !((text[e - 1] >= '0' && text[e - 1] <= '9') || text[e - 1] == '.'))
        return false; // the e of true or false
    qsizetype i = e + 1;
    if (i < text.size() && (text[i] == '+' || text[i] == '-'))
        ++i;
    qsizetype digits = 0;
    while (i + digits < text.size() && text[i + digits] >= '0' && text[i + digits] <= '9')
        ++digits;
    return digits >= 3;
}

// One pass over the text for what simdjson would take and the full parser would not, or read otherwise: more
// brackets than MaxNesting, a raw control character inside a string, a number with too many digits or a long
// exponent.
bool safeForSimdjson(QByteArrayView text)
{
    int brackets = 0, digits = 0;
    bool inString = false, significant = false;
    for (qsizetype i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (inString) {
            if (c == '\\')
                ++i;
            else if (c == '"')
                inString = false;
            else if (JsonText::classOf(c) == JsonText::Control)
                return false;
            continue;
        }
        if (c >= '0' && c <= '9') {
            significant = significant || c != '0';
            if (significant && ++digits > MaxSignificantDigits)
                return false;
            continue;
        }
        if ((c == 'e' || c == 'E') && longExponent(text, i))
            return false;
        if (c != '.')
            digits = 0, significant = false; // an exponent, a separator: the next number starts afresh
        if (c == '"')
            inString = true;
        else if ((c == '{' || c == '[') && ++brackets > MaxNesting)
            return false;
    }
    return true;
}

// A string member, through the receiver's cache when its text needs no unescaping (then raw and decoded agree).
std::optional<JsonText::Text> readString(dom::element element, StringCache* strings)
{
    std::string_view text;
    if (element.get_string().get(text))
        return std::nullopt;
    const QByteArrayView view(text.data(), qsizetype(text.size()));
    const bool plain = std::all_of(text.begin(), text.end(), [](char c) {
        const auto byteClass = JsonText::classOf(c);
        return byteClass == JsonText::Plain || byteClass == JsonText::NonAscii;
    });
    if (strings && plain) {
        const auto* cached = strings->text(view);
        return cached ? std::optional<JsonText::Text>(*cached) : std::nullopt;
    }
    return JsonText::Text { QString::fromUtf8(view), view.size() };
}

// A finite number. A double that reads as zero is the full parser's to judge (negative zero loses its sign
// there, and an underflow like 1e-400 is refused); an integer zero is zero.
std::optional<double> readNumber(dom::element element)
{
    double number = 0;
    if (!element.is_number() || element.get_double().get(number) || !std::isfinite(number))
        return std::nullopt;
    if (number == 0 && element.type() == dom::element_type::DOUBLE)
        return std::nullopt;
    return number;
}

// A member name that can be written back between quotes as it is: printable ASCII. Non-ASCII names (kwargs are
// Python identifiers, nearly always ASCII) are left to the fast path: written back as UTF-8 they sorted apart
// from the full parser's order in the random objects of tests/ingest/randomdatagram.h.
bool plainName(std::string_view name)
{
    return std::all_of(name.begin(), name.end(), [](char c) { return JsonText::classOf(c) == JsonText::Plain; });
}

enum Member : unsigned { KeyMember = 1, TimeMember = 2, TimestampMember = 4, TokenMember = 8 };
constexpr unsigned Required = KeyMember | TimeMember | TimestampMember;

// One member into `sample` (the decorator's four) or `extras` (any other); false when unsure.
bool readMember(std::string_view name, dom::element value, Sample& sample, QByteArray& extras, unsigned& seen,
    StringCache* strings)
{
    const auto once = [&seen](unsigned member) { // a member given twice is the full parser's to judge
        const bool first = !(seen & member);
        seen |= member;
        return first;
    };
    if (name == "key") {
        const auto key = once(KeyMember) ? readString(value, strings) : std::nullopt;
        if (!key || key->string.isEmpty() || key->utf8Bytes > MaxKeyBytes)
            return false;
        sample.key = key->string;
        return true;
    }
    if (name == "execution_time") {
        const auto time = once(TimeMember) ? readNumber(value) : std::nullopt;
        if (!time || *time < 0)
            return false;
        sample.executionTime = *time;
        return true;
    }
    if (name == "timestamp") {
        const auto timestamp = once(TimestampMember) ? readNumber(value) : std::nullopt;
        if (!timestamp)
            return false;
        sample.timestamp = *timestamp;
        return true;
    }
    if (name == "token") {
        const auto token = once(TokenMember) ? readString(value, strings) : std::nullopt;
        if (!token)
            return false;
        sample.token = token->string;
        return true;
    }
    if (!plainName(name))
        return false;
    // Written back by simdjson (minified); the cache's QJsonDocument then normalises it as the full parser does.
    // Only ASCII: non-ASCII member names nested in an extra sorted apart from the full parser's order in
    // the random objects of tests/ingest/randomdatagram.h, and the fast path reads them right.
    const std::string raw = simdjson::to_string(value);
    if (std::any_of(raw.begin(), raw.end(), [](char c) { return JsonText::classOf(c) == JsonText::NonAscii; }))
        return false;
    if (!extras.isEmpty())
        extras += ',';
    extras.append('"').append(name.data(), qsizetype(name.size())).append("\":");
    extras.append(raw.data(), qsizetype(raw.size()));
    return true;
}

} // namespace

bool parseWithSimdjson(QByteArrayView text, Sample& sample, StringCache* strings)
{
    Reader& r = reader();
    if (!r.ready || text.isEmpty() || text.size() > MaxDatagramBytes || !safeForSimdjson(text))
        return false;
    std::memcpy(r.buffer.get(), text.data(), size_t(text.size()));
    dom::element root;
    dom::object object;
    if (r.parser.parse(r.buffer.get(), size_t(text.size()), false).get(root) || root.get_object().get(object))
        return false;
    Sample read;
    QByteArray extras;
    unsigned seen = 0;
    for (const dom::key_value_pair member : object) {
        if (!readMember(member.key, member.value, read, extras, seen, strings))
            return false;
    }
    if ((seen & Required) != Required)
        return false;
    if (!extras.isEmpty()) {
        read.extra = strings ? strings->extra(extras) : JsonText::normalisedExtra(extras);
        if (read.extra.isNull())
            return false;
    }
    sample = std::move(read);
    return true;
}

} // namespace Kodemon
