// SPDX-License-Identifier: MIT
#include "statsd/statsdline.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <optional>
#include <QJsonDocument>
#include <QJsonObject>
#include <QVarLengthArray>

namespace Kodemon {

namespace {

constexpr std::array<QLatin1StringView, StatsdKindCount> KindNames = {
    QLatin1StringView("timer"),
    QLatin1StringView("histogram"),
    QLatin1StringView("distribution"),
    QLatin1StringView("counter"),
    QLatin1StringView("gauge"),
    QLatin1StringView("set"),
    QLatin1StringView("event"),
    QLatin1StringView("service_check"),
};

constexpr std::array<QLatin1StringView, StatsdRejectCount> RejectNames = {
    QLatin1StringView("empty"),
    QLatin1StringView("bad_line"),
    QLatin1StringView("bad_name"),
    QLatin1StringView("bad_value"),
    QLatin1StringView("unknown_type"),
    QLatin1StringView("bad_sample_rate"),
    QLatin1StringView("bad_timestamp"),
    QLatin1StringView("bad_tags"),
    QLatin1StringView("bad_event"),
    QLatin1StringView("bad_service_check"),
    QLatin1StringView("source_not_allowed"),
};

// The same limit as the decorator's keys (ingest/datagram.h), restated here: statsd depends on base alone.
constexpr qsizetype MaxNameBytes = 1024;
constexpr qsizetype MaxTimestampDigits = 12;

using Line = QByteArrayView;
// A line's values: one for almost every line (StatsD clients send one timer a line), on the stack up to this many.
using Values = QVarLengthArray<double, 16>;

std::optional<double> number(QByteArrayView text)
{
    if (text.isEmpty())
        return std::nullopt;
    double value = 0;
    const auto* end = text.data() + text.size();
    const auto [ptr, error] = std::from_chars(text.data(), end, value);
    if (error != std::errc() || ptr != end || !std::isfinite(value))
        return std::nullopt;
    return value;
}

std::optional<StatsdKind> kindOf(QByteArrayView type)
{
    if (type == "ms")
        return StatsdKind::Timer;
    if (type == "h")
        return StatsdKind::Histogram;
    if (type == "d")
        return StatsdKind::Distribution;
    if (type == "c")
        return StatsdKind::Counter;
    if (type == "g")
        return StatsdKind::Gauge;
    if (type == "s")
        return StatsdKind::Set;
    return std::nullopt;
}

bool isDuration(StatsdKind kind)
{
    return kind == StatsdKind::Timer || kind == StatsdKind::Histogram || kind == StatsdKind::Distribution;
}

QString quoted(QByteArrayView text)
{
    constexpr qsizetype MaxShown = 80;
    const QByteArrayView shown = text.first(std::min(text.size(), MaxShown));
    return u'"' + QString::fromUtf8(shown) + (text.size() > MaxShown ? QStringLiteral("...\"") : QStringLiteral("\""));
}

// The parts of a metric line after "name:values|type".
struct Sections
{
    double sampleRate = 1;
    std::optional<double> timestamp;
    QJsonObject tags;
    std::optional<QString> token;
};

class LineParser
{
public:
    LineParser(const StatsdOptions& options, double now, StatsdParsed& out, StatsdNames* names)
        : m_options(options)
        , m_now(now)
        , m_out(out)
        , m_names(names)
    { }

    void parse(Line line)
    {
        if (line.startsWith("_e{"))
            return event(line);
        if (line.startsWith("_sc|"))
            return serviceCheck(line);
        metric(line);
    }

private:
    void reject(StatsdReject reason, const QString& detail) { m_out.rejections.append({ reason, detail }); }

    void metric(Line line)
    {
        const qsizetype colon = line.indexOf(':');
        const qsizetype bar = line.indexOf('|');
        if (colon < 0 || bar < 0 || bar < colon)
            return reject(StatsdReject::BadLine, QStringLiteral("%1 is not name:value|type").arg(quoted(line)));
        const Line name = line.first(colon);
        if (name.isEmpty() || name.size() > MaxNameBytes || !name.isValidUtf8())
            return reject(StatsdReject::BadName,
                QStringLiteral("the name %1 is empty, longer than %2 bytes or not UTF-8").arg(quoted(name)).arg(MaxNameBytes));
        const Line values = line.sliced(colon + 1, bar - colon - 1);
        Line rest = line.sliced(bar + 1);
        const qsizetype typeEnd = rest.indexOf('|');
        const Line type = typeEnd < 0 ? rest : rest.first(typeEnd);
        const auto kind = kindOf(type);
        if (!kind)
            return reject(StatsdReject::UnknownType,
                QStringLiteral("%1 has the unknown type %2 (ms, h, d, c, g, s)").arg(quoted(name), quoted(type)));
        // A line whose sections' text was seen before (and had no "T") skips reading them: they were valid then.
        const Line sectionText = typeEnd < 0 ? Line() : rest.sliced(typeEnd + 1);
        const StatsdSectionsMemo* memo = m_names && !sectionText.isEmpty() ? m_names->sections(sectionText) : nullptr;
        Sections sections;
        if (!memo && !readSections(sectionText, sections))
            return;
        if (*kind == StatsdKind::Set) {
            if (values.isEmpty())
                return reject(StatsdReject::BadValue, QStringLiteral("the set %1 has no value").arg(quoted(name)));
            ++m_out.lines[size_t(*kind)];
            return;
        }
        Values numbers;
        if (!readValues(values, *kind, name, numbers))
            return;
        ++m_out.lines[size_t(*kind)];
        if (isDuration(*kind) && memo)
            addCalls(name, numbers, *memo, std::nullopt);
        else if (isDuration(*kind))
            addCalls(name, numbers, memoOf(sectionText, sections), sections.timestamp);
    }

    bool readValues(Line values, StatsdKind kind, Line name, Values& numbers)
    {
        qsizetype start = 0;
        while (start <= values.size()) {
            qsizetype end = values.indexOf(':', start);
            if (end < 0)
                end = values.size();
            Line text = values.sliced(start, end - start);
            if (kind == StatsdKind::Gauge && text.startsWith('+'))
                text = text.sliced(1); // a relative gauge: "+5"; "-5" parses as it is
            const auto value = number(text);
            if (!value || (isDuration(kind) && *value < 0)) {
                reject(StatsdReject::BadValue,
                    QStringLiteral("%1 of %2 is not a %3")
                        .arg(quoted(text), quoted(name),
                            isDuration(kind) ? QStringLiteral("finite number >= 0 (milliseconds)")
                                             : QStringLiteral("finite number")));
                return false;
            }
            numbers.append(*value);
            start = end + 1;
        }
        return true;
    }

    bool readSections(Line rest, Sections& sections)
    {
        while (!rest.isEmpty()) {
            const qsizetype end = rest.indexOf('|');
            const Line section = end < 0 ? rest : rest.first(end);
            rest = end < 0 ? Line() : rest.sliced(end + 1);
            if (section.startsWith('@') && !readSampleRate(section.sliced(1), sections))
                return false;
            if (section.startsWith('#') && !readTags(section.sliced(1), sections))
                return false;
            if (section.startsWith('T') && !readTimestamp(section.sliced(1), sections))
                return false;
            // Anything else (c: container ids, e: external data, card: cardinality, ...) is not Kodemon's.
        }
        return true;
    }

    bool readSampleRate(Line text, Sections& sections)
    {
        const auto rate = number(text);
        if (!rate || *rate <= 0 || *rate > 1) {
            reject(StatsdReject::BadSampleRate,
                QStringLiteral("the sample rate %1 is not a number above 0 and at most 1").arg(quoted(text)));
            return false;
        }
        sections.sampleRate = *rate;
        return true;
    }

    bool readTimestamp(Line text, Sections& sections)
    {
        const bool digits = !text.isEmpty() && text.size() <= MaxTimestampDigits
            && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
        if (!digits) {
            reject(StatsdReject::BadTimestamp,
                QStringLiteral("the timestamp %1 is not whole epoch seconds").arg(quoted(text)));
            return false;
        }
        sections.timestamp = double(text.toLongLong());
        return true;
    }

    bool readTags(Line text, Sections& sections)
    {
        if (!text.isValidUtf8()) {
            reject(StatsdReject::BadTags, QStringLiteral("the tags are not UTF-8"));
            return false;
        }
        qsizetype start = 0;
        while (start < text.size()) {
            qsizetype end = text.indexOf(',', start);
            if (end < 0)
                end = text.size();
            addTag(text.sliced(start, end - start), sections);
            start = end + 1;
        }
        return true;
    }

    static void addTag(Line tag, Sections& sections)
    {
        const qsizetype colon = tag.indexOf(':');
        const Line name = colon < 0 ? tag : tag.first(colon);
        if (name.isEmpty())
            return;
        const QString key = QString::fromUtf8(name);
        if (colon < 0) {
            sections.tags.insert(key, true); // a tag without a value is a flag
            return;
        }
        const QString value = QString::fromUtf8(tag.sliced(colon + 1));
        if (key == StatsdTokenTag)
            sections.token = value;
        else
            sections.tags.insert(key, value);
    }

    // What `sections` make of a line's calls; remembered by the receiver's cache unless they hold a timestamp.
    StatsdSectionsMemo memoOf(Line text, Sections& sections)
    {
        if (sections.sampleRate < 1)
            sections.tags.insert(StatsdSampleRateMember, sections.sampleRate);
        StatsdSectionsMemo memo { std::move(sections.token), {} };
        if (!sections.tags.isEmpty())
            memo.extra = QJsonDocument(sections.tags).toJson(QJsonDocument::Compact);
        if (m_names && !text.isEmpty() && !sections.timestamp)
            m_names->rememberSections(text, memo);
        return memo;
    }

    // One Sample is filled once and copied for each value but the last, which is moved: a single-value line (the
    // usual) costs no reference counting beyond the name's and the token's.
    void addCalls(Line name, const Values& numbers, const StatsdSectionsMemo& memo, std::optional<double> timestamp)
    {
        if (numbers.isEmpty())
            return;
        Sample sample;
        sample.key = m_names ? m_names->name(name) : QString::fromUtf8(name);
        sample.token = memo.token ? *memo.token : m_options.token;
        sample.timestamp = timestamp.value_or(m_now);
        sample.extra = memo.extra;
        const qsizetype last = numbers.size() - 1;
        for (qsizetype i = 0; i < last; ++i) {
            sample.executionTime = numbers[i];
            m_out.samples.append(sample);
        }
        sample.executionTime = numbers[last];
        m_out.samples.append(std::move(sample));
    }

    // _e{<title length>,<text length>}:<title>|<text>[|...]: the lengths are bytes of UTF-8.
    void event(Line line)
    {
        const qsizetype close = line.indexOf('}');
        const qsizetype comma = line.indexOf(',');
        bool ok = close > 0 && comma > 3 && comma < close && line.size() > close + 1 && line[close + 1] == ':';
        qsizetype titleLength = 0;
        qsizetype textLength = 0;
        if (ok) {
            titleLength = line.sliced(3, comma - 3).toLongLong(&ok);
            bool textOk = false;
            textLength = line.sliced(comma + 1, close - comma - 1).toLongLong(&textOk);
            ok = ok && textOk && titleLength > 0 && textLength >= 0;
        }
        const qsizetype title = close + 2;
        ok = ok && title + titleLength + 1 + textLength <= line.size() && line[title + titleLength] == '|';
        ok = ok && (title + titleLength + 1 + textLength == line.size() || line[title + titleLength + 1 + textLength] == '|');
        if (!ok)
            return reject(StatsdReject::BadEvent,
                QStringLiteral("%1 is not an event _e{title length,text length}:title|text").arg(quoted(line)));
        ++m_out.lines[size_t(StatsdKind::Event)];
    }

    // _sc|<name>|<status 0-3>[|...]
    void serviceCheck(Line line)
    {
        const Line rest = line.sliced(4);
        const qsizetype bar = rest.indexOf('|');
        const Line name = bar < 0 ? Line() : rest.first(bar);
        Line status = bar < 0 ? Line() : rest.sliced(bar + 1);
        if (const qsizetype end = status.indexOf('|'); end >= 0)
            status = status.first(end);
        if (name.isEmpty() || status.size() != 1 || status[0] < '0' || status[0] > '3')
            return reject(StatsdReject::BadServiceCheck,
                QStringLiteral("%1 is not a service check _sc|name|status (0-3)").arg(quoted(line)));
        ++m_out.lines[size_t(StatsdKind::ServiceCheck)];
    }

    const StatsdOptions& m_options;
    double m_now;
    StatsdParsed& m_out;
    StatsdNames* m_names;
};

// What QByteArrayView::trimmed().isEmpty() says, without trimming: stops at the first other byte, the first one
// of almost every datagram.
bool isBlank(QByteArrayView datagram)
{
    return std::all_of(datagram.begin(), datagram.end(),
        [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'; });
}

} // namespace

QLatin1StringView statsdKindName(StatsdKind kind)
{
    const auto index = static_cast<size_t>(kind);
    return index < KindNames.size() ? KindNames[index] : QLatin1StringView("unknown");
}

QLatin1StringView statsdRejectName(StatsdReject reason)
{
    const auto index = static_cast<size_t>(reason);
    return index < RejectNames.size() ? RejectNames[index] : QLatin1StringView("unknown");
}

const QString& StatsdNames::name(QByteArrayView raw)
{
    // fromRawData: the lookup copies nothing; only a new name is copied into the table.
    const auto found = m_names.constFind(QByteArray::fromRawData(raw.data(), raw.size()));
    if (found != m_names.constEnd())
        return *found;
    if (m_names.size() >= MaxNames)
        m_names.clear();
    return *m_names.insert(raw.toByteArray(), QString::fromUtf8(raw));
}

const StatsdSectionsMemo* StatsdNames::sections(QByteArrayView raw) const
{
    const auto found = m_sections.constFind(QByteArray::fromRawData(raw.data(), raw.size()));
    return found == m_sections.constEnd() ? nullptr : &found.value();
}

void StatsdNames::rememberSections(QByteArrayView raw, StatsdSectionsMemo memo)
{
    if (raw.size() > MaxSectionBytes)
        return;
    if (m_sections.size() >= MaxSections)
        m_sections.clear();
    m_sections.insert(raw.toByteArray(), std::move(memo));
}

void parseStatsdDatagram(
    QByteArrayView datagram, const StatsdOptions& options, double now, StatsdParsed& out, StatsdNames* names)
{
    if (isBlank(datagram)) {
        out.rejections.append({ StatsdReject::Empty, QStringLiteral("an empty datagram") });
        return;
    }
    LineParser parser(options, now, out, names);
    qsizetype start = 0;
    while (start < datagram.size()) {
        qsizetype end = datagram.indexOf('\n', start);
        if (end < 0)
            end = datagram.size();
        QByteArrayView line = datagram.sliced(start, end - start);
        if (line.endsWith('\r'))
            line.chop(1);
        if (!line.isEmpty()) // clients end datagrams with "\n", or join lines with "\n\n" now and then
            parser.parse(line);
        start = end + 1;
    }
}

} // namespace Kodemon
