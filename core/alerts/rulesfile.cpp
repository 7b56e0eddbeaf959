// SPDX-License-Identifier: MIT
#include "alerts/rulesfile.h"

#include "base/tagfilter.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>
#include <QSaveFile>
#include <QUrl>

namespace Kodemon {

namespace {

// A field with the line it was read from (1-based; 0 when it came from the window, not a file).
struct LineField
{
    QString name;
    QString value;
    int line = 0;
};

const QStringList RuleFieldNames = { QStringLiteral("function"), QStringLiteral("functions"),
    QStringLiteral("token"), QStringLiteral("tag"), QStringLiteral("outcome"), QStringLiteral("when"),
    QStringLiteral("baseline"), QStringLiteral("window"), QStringLiteral("for"), QStringLiteral("keep_firing_for"),
    QStringLiteral("webhook"), QStringLiteral("command"), QStringLiteral("description"), QStringLiteral("muted") };
const QStringList SettingNames = { QStringLiteral("interval"), QStringLiteral("webhook"), QStringLiteral("command"),
    QStringLiteral("link"), QStringLiteral("webhook_timeout") };

constexpr qint64 MaxFileBytes = 4 * 1024 * 1024; // about 40,000 rules: more is not a hand-edited file
constexpr int MaxNameLength = 200;

QString at(int line)
{
    return line > 0 ? QStringLiteral("line %1: ").arg(line) : QString();
}

Error fieldError(const LineField& field, const QString& why)
{
    return Error { at(field.line) + why, ErrorKind::Invalid };
}

Error mustBe(const LineField& field, const QString& what)
{
    return fieldError(field, QStringLiteral("\"%1\" must be %2, not \"%3\"").arg(field.name, what, field.value));
}

std::optional<bool> parseBool(const QString& text)
{
    const QString value = text.toLower();
    if (value == u"yes" || value == u"true" || value == u"on")
        return true;
    if (value == u"no" || value == u"false" || value == u"off")
        return false;
    return std::nullopt;
}

bool isWebUrl(const QString& text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
}

Result<double> readDuration(const LineField& field, double minimum)
{
    const auto seconds = parseRuleDuration(field.value);
    if (!seconds)
        return mustBe(field, QStringLiteral("a duration like 30s, 5m or 1h"));
    if (*seconds < minimum)
        return fieldError(field,
            QStringLiteral("\"%1\" must be at least %2, not %3").arg(field.name, formatDuration(minimum), field.value));
    return *seconds;
}

Result<BaselineSpec> readBaseline(const LineField& field)
{
    if (field.value.compare(QLatin1String("previous"), Qt::CaseInsensitive) == 0)
        return BaselineSpec { BaselineSpec::Kind::Previous, 0, {} };
    QStringView text(field.value);
    if (text.startsWith(u'-'))
        text = text.mid(1);
    const auto offset = parseRuleDuration(text);
    if (!offset || *offset <= 0)
        return mustBe(field, QStringLiteral("previous (the window just before) or how far back, like -1d or -1w"));
    return BaselineSpec { BaselineSpec::Kind::Offset, *offset, {} };
}

// The threshold of `statistic`, from its number and unit as written.
Result<double> readThreshold(AlertStatistic statistic, double number, const QString& unit)
{
    switch (statistic) {
    case AlertStatistic::ErrorRate:
        if (unit != u"%")
            return Error { QStringLiteral("write the error rate in percent, like error rate > 10%"), ErrorKind::Invalid };
        if (number > 100)
            return Error { QStringLiteral("an error rate is at most 100%"), ErrorKind::Invalid };
        return number;
    case AlertStatistic::CallsPerMinute:
        if (!unit.isEmpty())
            return Error { QStringLiteral("calls per minute is a plain number, like calls per minute < 10"),
                ErrorKind::Invalid };
        return number;
    default:
        if (unit == u"%")
            return Error { QStringLiteral("%1 is a time: write it in ms or s, like %1 > 25 ms (or compare it with a "
                                          "baseline: %1 30% above baseline)")
                               .arg(statisticName(statistic)),
                ErrorKind::Invalid };
        return unit == u"s" ? number * 1000 : number;
    }
}

Result<AlertStatistic> readStatistic(const QString& text)
{
    if (const auto statistic = parseStatistic(text))
        return *statistic;
    return Error { QStringLiteral("\"%1\" is not a statistic; use mean, p50, p90, p95, p99, max, calls per minute, "
                                  "error rate or no calls")
                       .arg(text),
        ErrorKind::Invalid };
}

std::optional<AlertOperator> readOperator(QStringView text)
{
    if (text == u">")
        return AlertOperator::Above;
    if (text == u">=")
        return AlertOperator::AtLeast;
    if (text == u"<")
        return AlertOperator::Below;
    if (text == u"<=")
        return AlertOperator::AtMost;
    return std::nullopt;
}

Result<AlertCondition> relativeCondition(const QRegularExpressionMatch& match)
{
    auto statistic = readStatistic(match.captured(1));
    if (!statistic)
        return statistic.failure();
    if (*statistic == AlertStatistic::NoCalls)
        return Error { QStringLiteral("no calls takes no baseline"), ErrorKind::Invalid };
    AlertCondition condition;
    condition.statistic = *statistic;
    condition.percent = match.captured(2).toDouble();
    condition.op = match.captured(3) == u"above" ? AlertOperator::Above : AlertOperator::Below;
    if (condition.percent <= 0 || (condition.op == AlertOperator::Below && condition.percent >= 100))
        return Error { QStringLiteral("the percentage must be above 0 (and below 100 for \"below\")"),
            ErrorKind::Invalid };
    condition.baseline = BaselineSpec { BaselineSpec::Kind::Offset, 7 * 86400.0, {} }; // `baseline =` sets it
    return condition;
}

Result<AlertCondition> thresholdCondition(const QRegularExpressionMatch& match)
{
    auto statistic = readStatistic(match.captured(1));
    if (!statistic)
        return statistic.failure();
    if (*statistic == AlertStatistic::NoCalls)
        return Error { QStringLiteral("\"no calls\" stands alone: when = no calls"), ErrorKind::Invalid };
    auto threshold = readThreshold(*statistic, match.captured(3).toDouble(), match.captured(4));
    if (!threshold)
        return threshold.failure();
    AlertCondition condition;
    condition.statistic = *statistic;
    condition.op = *readOperator(match.captured(2));
    condition.threshold = *threshold;
    return condition;
}

QString formatBool(bool value)
{
    return value ? QStringLiteral("yes") : QStringLiteral("no");
}

// The field lines after the first one of a kind fold into it: `tag` may repeat, nothing else.
Status checkRepeats(const QString& rule, const QList<LineField>& fields)
{
    QHash<QString, int> seen;
    for (const auto& field : fields) {
        if (field.name == u"tag")
            continue;
        if (const int first = seen.value(field.name, -1); first >= 0)
            return fieldError(field,
                QStringLiteral("\"%1\" is set twice in rule \"%2\" (first%3)")
                    .arg(field.name, rule, first > 0 ? QStringLiteral(" on line %1").arg(first) : QString()));
        seen.insert(field.name, field.line);
    }
    return Ok {};
}

Status readSelection(AlertRule& rule, const LineField& field)
{
    if (field.name == u"function" || field.name == u"functions") {
        if (field.value.isEmpty())
            return fieldError(field, QStringLiteral("\"%1\" needs a key, like /srv/app/views.py-fetch").arg(field.name));
        if (!rule.function.isEmpty())
            return fieldError(field, QStringLiteral("rule \"%1\" names both function and functions: keep one (function "
                                                    "is one key, functions a pattern like /srv/shop/*)")
                                         .arg(rule.name));
        rule.function = field.value;
        rule.pattern = field.name == u"functions";
    } else if (field.name == u"token") {
        if (field.value.isEmpty())
            return fieldError(field, QStringLiteral("\"token\" needs a value (leave the line out for every token)"));
        rule.token = field.value;
    } else if (field.name == u"tag") {
        auto filter = parseTagFilter(field.value);
        if (!filter)
            return fieldError(field, QStringLiteral("tag \"%1\": %2").arg(field.value, filter.error()));
        rule.tags.append(*filter);
    } else {
        const auto outcome = parseOutcome(field.value.toLower());
        if (!outcome)
            return mustBe(field, QStringLiteral("all, succeeded or failed"));
        rule.outcome = *outcome;
    }
    return Ok {};
}

Status readTiming(AlertRule& rule, const LineField& field)
{
    if (field.name == u"baseline") {
        auto baseline = readBaseline(field);
        if (!baseline)
            return baseline.failure();
        if (!rule.condition.isRelative())
            return fieldError(field, QStringLiteral("a baseline needs a condition that compares with it, like "
                                                    "when = p95 30% above baseline (put when first)"));
        rule.condition.baseline = *baseline;
        return Ok {};
    }
    // Calls carry whole seconds: a window shorter than one second would hold nothing or one second at random.
    auto seconds = readDuration(field, field.name == u"window" ? 1.0 : 0.0);
    if (!seconds)
        return seconds.failure();
    (field.name == u"window" ? rule.window : field.name == u"for" ? rule.forSeconds : rule.keepFiringFor) = *seconds;
    return Ok {};
}

Status readNotification(AlertRule& rule, const LineField& field)
{
    if (field.name == u"webhook") {
        if (!isWebUrl(field.value))
            return mustBe(field, QStringLiteral("an http:// or https:// URL"));
        rule.webhook = field.value;
    } else if (field.name == u"command") {
        if (field.value.isEmpty())
            return fieldError(field, QStringLiteral("\"command\" needs a command line to run (by /bin/sh -c)"));
        rule.command = field.value;
    } else if (field.name == u"description") {
        rule.description = field.value;
    } else {
        const auto muted = parseBool(field.value);
        if (!muted)
            return mustBe(field, QStringLiteral("yes or no"));
        rule.muted = *muted;
    }
    return Ok {};
}

Status readField(AlertRule& rule, const LineField& field)
{
    static const QStringList selection = { QStringLiteral("function"), QStringLiteral("functions"),
        QStringLiteral("token"), QStringLiteral("tag"), QStringLiteral("outcome") };
    static const QStringList timing
        = { QStringLiteral("baseline"), QStringLiteral("window"), QStringLiteral("for"), QStringLiteral("keep_firing_for") };
    if (field.name == u"when") {
        auto condition = parseCondition(field.value);
        if (!condition)
            return fieldError(field, QStringLiteral("when = %1: %2").arg(field.value, condition.error()));
        rule.condition = *condition;
        return Ok {};
    }
    if (selection.contains(field.name))
        return readSelection(rule, field);
    if (timing.contains(field.name))
        return readTiming(rule, field);
    if (RuleFieldNames.contains(field.name))
        return readNotification(rule, field);
    return fieldError(field, QStringLiteral("unknown field \"%1\" in rule \"%2\"; a rule takes %3")
                                 .arg(field.name, rule.name, RuleFieldNames.join(QLatin1String(", "))));
}

// `when` first: a baseline line may come before it in the file.
QList<LineField> whenFirst(const QList<LineField>& fields)
{
    QList<LineField> ordered;
    for (const auto& field : fields) {
        if (field.name == u"when")
            ordered.prepend(field);
        else
            ordered.append(field);
    }
    return ordered;
}

Result<AlertRule> readRule(const QString& name, int headerLine, const QList<LineField>& fields)
{
    AlertRule rule;
    rule.name = name;
    rule.line = headerLine;
    if (name.isEmpty() || name.size() > MaxNameLength)
        return Error { at(headerLine) + QStringLiteral("a rule needs a name of 1 to %1 characters").arg(MaxNameLength),
            ErrorKind::Invalid };
    if (auto status = checkRepeats(name, fields); !status)
        return status.failure();
    bool hasWhen = false;
    for (const auto& field : whenFirst(fields)) {
        if (auto status = readField(rule, field); !status)
            return status.failure();
        hasWhen = hasWhen || field.name == u"when";
    }
    const auto missing = [&](const QString& what) {
        return Error { at(headerLine) + QStringLiteral("rule \"%1\" has no %2").arg(name, what), ErrorKind::Invalid };
    };
    if (rule.function.isEmpty())
        return missing(QStringLiteral("function: add function = <key> or functions = <pattern, like /srv/shop/*>"));
    if (!hasWhen)
        return missing(QStringLiteral("condition: add a line like when = p95 > 25 ms"));
    const bool baselineGiven = std::any_of(fields.begin(), fields.end(), [](const auto& f) { return f.name == u"baseline"; });
    if (rule.condition.isRelative() && !baselineGiven)
        return missing(QStringLiteral("baseline for its condition: add baseline = -1w (the same window a week "
                                      "earlier), -1d or previous"));
    return rule;
}

Result<AlertSettings> readSettings(const QList<LineField>& fields)
{
    AlertSettings settings;
    QHash<QString, int> seen;
    for (const auto& field : fields) {
        if (!SettingNames.contains(field.name))
            return fieldError(field, QStringLiteral("unknown setting \"%1\" before the first rule; settings are %2, "
                                                    "and a rule starts with its name in brackets: [checkout is slow]")
                                         .arg(field.name, SettingNames.join(QLatin1String(", "))));
        if (seen.contains(field.name))
            return fieldError(field, QStringLiteral("\"%1\" is set twice (first on line %2)").arg(field.name, QString::number(seen[field.name])));
        seen.insert(field.name, field.line);
        if (field.name == u"interval" || field.name == u"webhook_timeout") {
            auto seconds = readDuration(field, 0.1);
            if (!seconds)
                return seconds.failure();
            (field.name == u"interval" ? settings.interval : settings.webhookTimeout) = *seconds;
        } else if (field.name == u"webhook" || field.name == u"link") {
            if (!isWebUrl(field.value))
                return mustBe(field, QStringLiteral("an http:// or https:// URL"));
            (field.name == u"webhook" ? settings.webhook : settings.link) = field.value;
        } else {
            if (field.value.isEmpty())
                return fieldError(field, QStringLiteral("\"command\" needs a command line to run (by /bin/sh -c)"));
            settings.command = field.value;
        }
    }
    return settings;
}

QList<LineField> withoutLines(const QList<RuleField>& fields)
{
    QList<LineField> lines;
    for (const auto& [name, value] : fields)
        lines.append({ name.trimmed().toLower(), value.trimmed(), 0 });
    return lines;
}

// The value lines of one field name of a rule's canonical fields.
QStringList valuesOf(const QList<RuleField>& fields, const QString& name)
{
    QStringList values;
    for (const auto& [field, value] : fields) {
        if (field == name)
            values.append(value);
    }
    return values;
}

QString fieldLine(const QString& name, const QString& value)
{
    return QStringLiteral("%1 = %2").arg(name, value);
}

// The new text of an existing field line: the name part as its author aligned it, the new value.
QString rewriteLine(const QString& original, const QString& value)
{
    return original.left(original.indexOf(u'=') + 1) + u' ' + value;
}

} // namespace

Result<AlertCondition> parseCondition(const QString& text)
{
    const QString condition = text.simplified().toLower();
    if (condition == u"no calls")
        return AlertCondition { AlertStatistic::NoCalls, AlertOperator::Above, 0, std::nullopt, 0 };
    static const QRegularExpression relative(
        QStringLiteral(R"(^([a-z0-9 /]+?)\s*(\d+(?:\.\d+)?)\s*%\s*(above|below)\s+baseline$)"));
    if (const auto match = relative.match(condition); match.hasMatch())
        return relativeCondition(match);
    static const QRegularExpression threshold(
        QStringLiteral(R"(^([a-z0-9 /]+?)\s*(>=|<=|>|<)\s*(\d+(?:\.\d+)?)\s*(ms|s|%)?$)"));
    if (const auto match = threshold.match(condition); match.hasMatch())
        return thresholdCondition(match);
    return Error { QStringLiteral("write a statistic, a comparison and a threshold (p95 > 25 ms, error rate > 5%, "
                                  "calls per minute < 10), a change from a baseline (p95 30% above baseline) or "
                                  "no calls"),
        ErrorKind::Invalid };
}

Result<AlertRule> ruleFromFields(const QString& name, const QList<RuleField>& fields)
{
    return readRule(name.trimmed(), 0, withoutLines(fields));
}

QList<RuleField> ruleFields(const AlertRule& rule)
{
    QList<RuleField> fields;
    fields.append({ rule.pattern ? QStringLiteral("functions") : QStringLiteral("function"), rule.function });
    if (rule.token)
        fields.append({ QStringLiteral("token"), *rule.token });
    for (const auto& tag : rule.tags)
        fields.append({ QStringLiteral("tag"), formatTagFilter(tag) });
    if (rule.outcome != CallOutcome::All)
        fields.append({ QStringLiteral("outcome"), outcomeName(rule.outcome) });
    fields.append({ QStringLiteral("when"), conditionText(rule.condition) });
    if (rule.condition.baseline)
        fields.append({ QStringLiteral("baseline"), baselineText(*rule.condition.baseline) });
    fields.append({ QStringLiteral("window"), formatDuration(rule.window) });
    if (rule.forSeconds > 0)
        fields.append({ QStringLiteral("for"), formatDuration(rule.forSeconds) });
    if (rule.keepFiringFor > 0)
        fields.append({ QStringLiteral("keep_firing_for"), formatDuration(rule.keepFiringFor) });
    if (!rule.webhook.isEmpty())
        fields.append({ QStringLiteral("webhook"), rule.webhook });
    if (!rule.command.isEmpty())
        fields.append({ QStringLiteral("command"), rule.command });
    if (!rule.description.isEmpty())
        fields.append({ QStringLiteral("description"), rule.description });
    if (rule.muted)
        fields.append({ QStringLiteral("muted"), formatBool(true) });
    return fields;
}

Result<RulesDocument> RulesDocument::parse(const QString& text)
{
    RulesDocument document;
    document.m_lines = text.split(u'\n');
    QList<LineField> settings;
    struct Open
    {
        QString name;
        Span span;
        QList<LineField> fields;
    };
    std::optional<Open> open;
    int commentsFrom = -1; // the first line of the comment block just above, if any
    const auto close = [&]() -> Status {
        if (!open)
            return Ok {};
        auto rule = readRule(open->name, open->span.header + 1, open->fields);
        if (!rule)
            return rule.failure();
        document.m_rules.rules.append(*rule);
        document.m_spans.append(open->span);
        open.reset();
        return Ok {};
    };
    for (int i = 0; i < document.m_lines.size(); ++i) {
        QString& raw = document.m_lines[i];
        // Every carriage return ending the line, not one: "x\r\r\n" kept one, which the next parse of the text
        // (after any edit) took away, so that an edit without a change changed the file (fuzz_rulesfile).
        while (raw.endsWith(u'\r'))
            raw.chop(1);
        const QString line = raw.trimmed();
        if (line.isEmpty()) {
            commentsFrom = -1;
            continue;
        }
        if (line.startsWith(u'#')) {
            if (commentsFrom < 0)
                commentsFrom = i;
            continue;
        }
        if (line.startsWith(u'[')) {
            if (!line.endsWith(u']'))
                return Error { at(i + 1) + QStringLiteral("a rule starts with its name in brackets, like [checkout is slow]"),
                    ErrorKind::Invalid };
            if (auto status = close(); !status)
                return status.failure();
            const QString name = line.mid(1, line.size() - 2).trimmed();
            // What the editor refuses (withRule) is refused here too: "[a]]" read as the name "a]" could not be
            // edited or written back (fuzz_rulesfile, 2026-12-07).
            if (name.contains(u'[') || name.contains(u']'))
                return Error { at(i + 1) + QStringLiteral("a rule's name cannot hold brackets: [%1]").arg(name),
                    ErrorKind::Invalid };
            if (const int existing = document.indexOf(name); existing >= 0)
                return Error { at(i + 1)
                        + QStringLiteral("there is already a rule called \"%1\" (line %2); names must be unique")
                              .arg(name, QString::number(document.m_spans[existing].header + 1)),
                    ErrorKind::Invalid };
            open = Open { name, Span { commentsFrom >= 0 ? commentsFrom : i, i, i, {} }, {} };
            commentsFrom = -1;
            continue;
        }
        commentsFrom = -1;
        const qsizetype equals = line.indexOf(u'=');
        if (equals < 1)
            return Error { at(i + 1) + QStringLiteral("expected a rule's name in brackets, a name = value line or a # "
                                                      "comment, not \"%1\"")
                                           .arg(line.left(80)),
                ErrorKind::Invalid };
        LineField field { line.left(equals).trimmed().toLower(), line.mid(equals + 1).trimmed(), i + 1 };
        if (!open) {
            settings.append(field);
            continue;
        }
        open->span.fields.insert(field.name, i);
        open->span.last = i;
        open->fields.append(field);
    }
    if (auto status = close(); !status)
        return status.failure();
    auto parsed = readSettings(settings);
    if (!parsed)
        return parsed.failure();
    document.m_rules.settings = *parsed;
    return document;
}

QString RulesDocument::text() const
{
    return m_lines.join(u'\n');
}

int RulesDocument::indexOf(const QString& name) const
{
    for (int i = 0; i < m_rules.rules.size(); ++i) {
        if (m_rules.rules[i].name == name)
            return i;
    }
    return -1;
}

QStringList RulesDocument::fieldLines(const AlertRule& rule)
{
    QStringList lines;
    for (const auto& [name, value] : ruleFields(rule))
        lines.append(fieldLine(name, value));
    return lines;
}

Result<RulesDocument> RulesDocument::withRule(const QString& previousName, const AlertRule& rule) const
{
    const QString name = rule.name.trimmed();
    if (name.contains(u'\n') || name.contains(u']') || name.contains(u'['))
        return Error { QStringLiteral("a rule's name cannot hold brackets or line breaks"), ErrorKind::Invalid };
    if (auto checked = ruleFromFields(name, ruleFields(rule)); !checked)
        return checked.failure();
    if (name != previousName && indexOf(name) >= 0)
        return Error { QStringLiteral("there is already a rule called \"%1\"").arg(name), ErrorKind::Invalid };
    QStringList lines = m_lines;
    const int index = previousName.isEmpty() ? -1 : indexOf(previousName);
    if (!previousName.isEmpty() && index < 0)
        return Error { QStringLiteral("there is no rule called \"%1\" (any more)").arg(previousName), ErrorKind::NotFound };
    if (index < 0) {
        while (!lines.isEmpty() && lines.last().trimmed().isEmpty())
            lines.removeLast();
        if (lines.isEmpty())
            lines = { QStringLiteral("# Kodemon alert rules: the format is in `man kodemon` and the README (Alerts)."),
                QStringLiteral("# Kodemon rewrites only the lines of rules changed in its window.") };
        lines.append(QString());
        lines.append(u'[' + name + u']');
        lines += fieldLines(rule);
        lines.append(QString());
        return parse(lines.join(u'\n'));
    }
    const Span& span = m_spans[index];
    const auto before = ruleFields(m_rules.rules[index]);
    const auto after = ruleFields(rule);
    QStringList section;
    QSet<QString> written;
    for (int i = span.header; i <= span.last; ++i) {
        if (i == span.header) {
            section.append(name == previousName ? lines[i] : u'[' + name + u']');
            continue;
        }
        const QString line = lines[i].trimmed();
        const qsizetype equals = line.indexOf(u'=');
        if (line.isEmpty() || line.startsWith(u'#') || equals < 1) {
            section.append(lines[i]);
            continue;
        }
        const QString field = line.left(equals).trimmed().toLower();
        const QStringList values = valuesOf(after, field);
        if (values == valuesOf(before, field)) {
            section.append(lines[i]); // unchanged in meaning: kept as its author wrote it
            continue;
        }
        if (written.contains(field))
            continue;
        written.insert(field);
        for (const auto& value : values)
            section.append(rewriteLine(lines[i], value));
    }
    // Fields the rule did not write: only those that changed (a default the author left out stays out).
    for (const auto& [field, value] : after) {
        if (!span.fields.contains(field) && valuesOf(after, field) != valuesOf(before, field))
            section.append(fieldLine(field, value));
    }
    lines.remove(span.header, span.last - span.header + 1);
    for (int i = 0; i < section.size(); ++i)
        lines.insert(span.header + i, section[i]);
    return parse(lines.join(u'\n'));
}

Result<RulesDocument> RulesDocument::withoutRule(const QString& name) const
{
    const int index = indexOf(name);
    if (index < 0)
        return Error { QStringLiteral("there is no rule called \"%1\" (any more)").arg(name), ErrorKind::NotFound };
    const Span& span = m_spans[index];
    QStringList lines = m_lines;
    int last = span.last;
    // One blank line that separated it from its neighbours goes with it: the one after, unless it ends the file
    // and nothing blank comes before (then it is the file's last line break).
    const bool blankBefore = span.first > 0 && lines[span.first - 1].trimmed().isEmpty();
    if (last + 1 < lines.size() && lines[last + 1].trimmed().isEmpty() && (last + 2 < lines.size() || blankBefore))
        ++last;
    lines.remove(span.first, last - span.first + 1);
    return parse(lines.join(u'\n'));
}

Result<RulesDocument> RulesDocument::withMuted(const QString& name, bool muted) const
{
    const int index = indexOf(name);
    if (index < 0)
        return Error { QStringLiteral("there is no rule called \"%1\" (any more)").arg(name), ErrorKind::NotFound };
    AlertRule rule = m_rules.rules[index];
    rule.muted = muted;
    return withRule(name, rule);
}

Result<RulesDocument> loadRulesFile(const QString& path)
{
    QFile file(path);
    if (!file.exists())
        return RulesDocument {};
    if (QFileInfo(path).isDir())
        return Error { QStringLiteral("the alert rules file %1 is a folder").arg(path) };
    if (!file.open(QIODevice::ReadOnly))
        return Error { QStringLiteral("cannot read the alert rules file %1: %2").arg(path, file.errorString()) };
    if (file.size() > MaxFileBytes)
        return Error { QStringLiteral("the alert rules file %1 is larger than %2 MiB").arg(path, QString::number(MaxFileBytes >> 20)),
            ErrorKind::Invalid };
    const QByteArray bytes = file.readAll();
    const QString text = QString::fromUtf8(bytes);
    if (text.toUtf8() != bytes)
        return Error { QStringLiteral("%1 is not UTF-8 text").arg(path), ErrorKind::Invalid };
    auto document = RulesDocument::parse(text);
    if (!document)
        return document.failure().withMessage(path + u' ' + document.error());
    return document;
}

Status saveRulesFile(const QString& path, const RulesDocument& document)
{
    if (!QDir().mkpath(QFileInfo(path).absolutePath()))
        return Error { QStringLiteral("cannot make the folder of the alert rules file %1").arg(path) };
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return Error { QStringLiteral("cannot write the alert rules file %1: %2").arg(path, file.errorString()) };
    file.write(document.text().toUtf8());
    if (!file.commit())
        return Error { QStringLiteral("cannot write the alert rules file %1: %2").arg(path, file.errorString()) };
    return Ok {};
}

} // namespace Kodemon
