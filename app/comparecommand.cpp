// SPDX-License-Identifier: MIT
#include "comparecommand.h"

#include "analysis/regressioncheck.h"
#include "appoptions.h"
#include "base/tagfilter.h"
#include "base/timeexpr.h"
#include "remote/remotestore.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"

#include <cstdio>
#include <QCommandLineParser>
#include <QDateTime>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>

namespace Kodemon {

namespace {

// A baseline or candidate: a range ("now-2d..now-1d"), or a tag's value ("release=1.4.1") over --from/--to.
struct SideSpec
{
    QString text;
    TimeRange range;
    std::optional<TagFilter> tag;
};

Result<SideSpec> parseSide(const QString& option, const QString& text, const TimeRange& overall, double now)
{
    SideSpec spec { text, overall, std::nullopt };
    const qsizetype dots = text.indexOf(QStringLiteral(".."));
    if (dots >= 0) {
        const auto from = parseTimeExpression(QStringView(text).left(dots), now);
        const auto to = parseTimeExpression(QStringView(text).mid(dots + 2), now);
        if (!from || !to)
            return Error { QStringLiteral("--%1 %2: %3").arg(option, text, !from ? from.error() : to.error()),
                ErrorKind::Invalid };
        spec.range = TimeRange { *from, *to };
        if (spec.range.isReversed())
            return Error { QStringLiteral("--%1 %2: the range is reversed").arg(option, text), ErrorKind::Invalid };
        return spec;
    }
    const qsizetype equals = text.indexOf(u'=');
    if (equals <= 0)
        return Error { QStringLiteral("--%1 \"%2\" is neither a range (FROM..TO, such as now-2d..now-1d) nor a tag's "
                                      "value (TAG=VALUE, such as release=1.4.1)")
                           .arg(option, text),
            ErrorKind::Invalid };
    spec.tag = TagFilter { TagFilter::Op::Equals, text.left(equals), text.mid(equals + 1) };
    return spec;
}

struct Command
{
    std::unique_ptr<Store> store;
    SideSpec baseline;
    SideSpec candidate;
    QStringList keys; // only these functions; empty: all
    std::optional<QString> token;
    QList<TagFilter> tags;
    CheckOptions check;
    bool json = false;
};

void fail(const QString& message)
{
    std::fprintf(stderr, "kodemon compare: %s\n", qPrintable(message));
}

std::optional<Command> parse(const QStringList& arguments, int& exitCode)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "Compares every function's calls in a baseline and a candidate and fails on a regression, for CI.\n"
        "Exit codes: 0 no significant regression above the thresholds, 1 a regression, 2 a usage or data error."));
    const QCommandLineOption help({ QStringLiteral("h"), QStringLiteral("help") }, QStringLiteral("Shows this help."));
    const QCommandLineOption db(QStringLiteral("db"),
        QStringLiteral("SQLite file to read (default %1).").arg(defaultDatabasePath()), QStringLiteral("path"));
    const QCommandLineOption remote(QStringLiteral("remote"),
        QStringLiteral("Read a running Kodemon's HTTP API instead, e.g. http://host:4000 (API token from --api-token "
                       "or KODEMON_API_TOKEN)."),
        QStringLiteral("url"));
    const QCommandLineOption apiToken(QStringLiteral("api-token"), QStringLiteral("The API token to send with --remote."),
        QStringLiteral("secret"));
    const QCommandLineOption baseline(QStringLiteral("baseline"),
        QStringLiteral("FROM..TO (e.g. now-2d..now-1d) or TAG=VALUE (e.g. release=1.4.1)."), QStringLiteral("spec"));
    const QCommandLineOption candidate(QStringLiteral("candidate"),
        QStringLiteral("FROM..TO (e.g. now-1d..now) or TAG=VALUE (e.g. release=1.4.2)."), QStringLiteral("spec"));
    const QCommandLineOption from(QStringLiteral("from"),
        QStringLiteral("With TAG=VALUE sides: only calls from this time (default: all)."), QStringLiteral("time"));
    const QCommandLineOption to(QStringLiteral("to"),
        QStringLiteral("With TAG=VALUE sides: only calls until this time (default: now)."), QStringLiteral("time"));
    const QCommandLineOption key(QStringLiteral("key"), QStringLiteral("Only this function (repeatable)."),
        QStringLiteral("key"));
    const QCommandLineOption token(QStringLiteral("token"), QStringLiteral("Only this project's functions."),
        QStringLiteral("token"));
    const QCommandLineOption tag(QStringLiteral("tag"),
        QStringLiteral("Only calls passing this tag filter (name:value, name!:value, name, !name; repeatable)."),
        QStringLiteral("filter"));
    const QCommandLineOption failAbove(QStringLiteral("fail-above"),
        QStringLiteral("Fail when a function's METRIC grows more than PERCENT, significantly: p95:10%, p50:, mean:, "
                       "errors: (repeatable; none: only the table)."),
        QStringLiteral("metric:percent"));
    const QCommandLineOption minCalls(QStringLiteral("min-calls"),
        QStringLiteral("Calls needed on each side to judge a function (default 30)."), QStringLiteral("n"),
        QStringLiteral("30"));
    const QCommandLineOption json(QStringLiteral("json"), QStringLiteral("Print JSON instead of the table."));
    parser.addOptions(
        { help, db, remote, apiToken, baseline, candidate, from, to, key, token, tag, failAbove, minCalls, json });
    exitCode = CompareError;
    if (!parser.parse(arguments)) {
        fail(parser.errorText());
        return std::nullopt;
    }
    if (parser.isSet(help)) {
        std::fputs(qPrintable(parser.helpText().replace(QStringLiteral("kodemon [options]"),
                       QStringLiteral("kodemon compare [options]"))),
            stdout);
        exitCode = CompareOk;
        return std::nullopt;
    }
    if (!parser.positionalArguments().isEmpty()) {
        fail(QStringLiteral("unexpected argument \"%1\"").arg(parser.positionalArguments().constFirst()));
        return std::nullopt;
    }
    if (!parser.isSet(baseline) || !parser.isSet(candidate)) {
        fail(QStringLiteral("say what to compare: --baseline and --candidate (FROM..TO or TAG=VALUE)"));
        return std::nullopt;
    }
    const double now = double(QDateTime::currentMSecsSinceEpoch()) / 1000;
    TimeRange overall;
    for (const auto& [option, end] : { std::pair { &from, &overall.from }, std::pair { &to, &overall.to } }) {
        if (!parser.isSet(*option))
            continue;
        const auto time = parseTimeExpression(parser.value(*option), now);
        if (!time) {
            fail(QStringLiteral("--%1: %2").arg(option->names().constFirst(), time.error()));
            return std::nullopt;
        }
        *end = *time;
    }
    Command command;
    auto first = parseSide(QStringLiteral("baseline"), parser.value(baseline), overall, now);
    auto second = parseSide(QStringLiteral("candidate"), parser.value(candidate), overall, now);
    if (!first || !second) {
        fail(!first ? first.error() : second.error());
        return std::nullopt;
    }
    command.baseline = *first;
    command.candidate = *second;
    command.keys = parser.values(key);
    if (parser.isSet(token))
        command.token = parser.value(token);
    for (const auto& text : parser.values(tag)) {
        auto filter = parseTagFilter(text);
        if (!filter) {
            fail(QStringLiteral("--tag %1: %2").arg(text, filter.error()));
            return std::nullopt;
        }
        command.tags.append(*filter);
    }
    for (const auto& text : parser.values(failAbove)) {
        auto threshold = parseThreshold(text);
        if (!threshold) {
            fail(QStringLiteral("--fail-above %1").arg(threshold.error()));
            return std::nullopt;
        }
        command.check.thresholds.append(*threshold);
    }
    bool ok = false;
    command.check.minCalls = parser.value(minCalls).toLongLong(&ok);
    if (!ok || command.check.minCalls < 2) {
        fail(QStringLiteral("--min-calls must be a whole number of at least 2"));
        return std::nullopt;
    }
    command.json = parser.isSet(json);
    if (parser.isSet(db) && parser.isSet(remote)) {
        fail(QStringLiteral("read either a database file (--db) or a remote Kodemon (--remote), not both"));
        return std::nullopt;
    }
    if (parser.isSet(remote)) {
        const auto url = parseRemoteUrl(parser.value(remote));
        if (!url) {
            fail(QStringLiteral("--remote \"%1\" is not an http:// or https:// URL of a Kodemon").arg(parser.value(remote)));
            return std::nullopt;
        }
        QString secret = parser.isSet(apiToken) ? parser.value(apiToken) : qEnvironmentVariable("KODEMON_API_TOKEN");
        command.store = std::make_unique<RemoteStore>(RemoteEndpoint { *url, secret.section(u':', 0, 0).trimmed() });
    } else {
        const QString path = parser.isSet(db) ? parser.value(db) : defaultDatabasePath();
        if (!QFileInfo(path).isFile()) {
            fail(QStringLiteral("no database at %1").arg(path));
            return std::nullopt;
        }
        auto sqlite = std::make_unique<SqliteStore>(path);
        if (const auto opened = sqlite->openShared(); !opened) {
            fail(QStringLiteral("cannot read %1: %2").arg(path, opened.error()));
            return std::nullopt;
        }
        command.store = std::move(sqlite);
    }
    if (const auto opened = command.store->open(); parser.isSet(remote) && !opened) {
        fail(opened.error());
        return std::nullopt;
    }
    exitCode = CompareOk;
    return command;
}

Result<CheckSample> read(Query& query, const SeriesInfo& info, const SideSpec& side, const Command& command)
{
    SeriesSelector selector(info.id.key, info.id.token, side.range, command.tags);
    if (side.tag)
        selector.tags.append(*side.tag);
    selector.exact = true;
    auto values = query.values(selector);
    if (!values)
        return values.failure();
    CheckSample sample;
    sample.values.reserve(values->size());
    for (const auto& call : std::as_const(*values))
        sample.values.append(call.value);
    if (!sample.values.isEmpty()) {
        const auto stats = query.stats(selector);
        if (!stats)
            return stats.failure();
        sample.failed = stats->errors;
    }
    return sample;
}

QString number(double value)
{
    return value >= 100 ? QString::number(value, 'f', 0) : QString::number(value, 'g', 3);
}

QString change(const CheckRow& row, CheckMetric metric)
{
    const auto percent = row.changePercent(metric);
    return percent ? QStringLiteral("%1%2%").arg(*percent >= 0 ? QStringLiteral("+") : QString()).arg(*percent, 0, 'f', 1)
                   : QStringLiteral("-");
}

void printTable(const QList<CheckRow>& rows, const Command& command)
{
    QList<QStringList> lines { { QStringLiteral("function"), QStringLiteral("token"), QStringLiteral("calls"),
        QStringLiteral("p50 ms"), QStringLiteral("p95 ms"), QStringLiteral("mean"), QStringLiteral("errors"),
        QStringLiteral("p-value"), QStringLiteral("verdict") } };
    for (const auto& row : rows) {
        const auto pair = [](const QString& a, const QString& b) -> QString { return a + QStringLiteral(" -> ") + b; };
        const bool judged = row.verdict != CheckRow::Verdict::TooFewCalls;
        QString verdict = verdictName(row.verdict);
        if (!row.exceeded.isEmpty())
            verdict += QStringLiteral(": ") + row.exceeded.join(QStringLiteral(", "));
        lines.append({ row.id.key, row.id.token,
            pair(QString::number(row.baseline.calls), QString::number(row.candidate.calls)),
            pair(number(row.baseline.p50), number(row.candidate.p50)) + QStringLiteral(" (") + change(row, CheckMetric::P50) + u')',
            pair(number(row.baseline.p95), number(row.candidate.p95)) + QStringLiteral(" (") + change(row, CheckMetric::P95) + u')',
            change(row, CheckMetric::Mean),
            pair(QString::number(100 * row.baseline.errorRate(), 'f', 2), QString::number(100 * row.candidate.errorRate(), 'f', 2)) + u'%',
            judged ? QString::number(row.test.pValue, 'g', 2) : QStringLiteral("-"), verdict });
    }
    QList<qsizetype> widths(lines.first().size(), 0);
    for (const auto& line : lines)
        for (qsizetype i = 0; i < line.size(); ++i)
            widths[i] = std::max(widths[i], line[i].size());
    std::printf("baseline %s, candidate %s; fail above: %s\n", qPrintable(command.baseline.text),
        qPrintable(command.candidate.text),
        command.check.thresholds.isEmpty() ? "nothing (--fail-above not given)" : qPrintable([&] {
            QStringList names;
            for (const auto& t : command.check.thresholds)
                names.append(formatThreshold(t));
            return names.join(QStringLiteral(", "));
        }()));
    for (const auto& line : lines) {
        QString text;
        for (qsizetype i = 0; i < line.size(); ++i)
            text += (i + 1 < line.size() ? line[i].leftJustified(widths[i] + 2) : line[i]);
        std::printf("%s\n", qPrintable(text));
    }
}

QJsonObject sideJson(const CheckSide& side)
{
    return { { QStringLiteral("calls"), side.calls }, { QStringLiteral("errors"), side.errors },
        { QStringLiteral("error_rate"), side.errorRate() }, { QStringLiteral("mean"), side.mean },
        { QStringLiteral("p50"), side.p50 }, { QStringLiteral("p95"), side.p95 } };
}

QJsonValue optional(const std::optional<double>& value)
{
    return value ? QJsonValue(*value) : QJsonValue(QJsonValue::Null);
}

QJsonObject specJson(const SideSpec& spec)
{
    QJsonObject object { { QStringLiteral("spec"), spec.text },
        { QStringLiteral("from"), optional(spec.range.from) }, { QStringLiteral("to"), optional(spec.range.to) } };
    if (spec.tag)
        object.insert(QStringLiteral("tag"), formatTagFilter(*spec.tag));
    return object;
}

void printJson(const QList<CheckRow>& rows, const Command& command, int regressions, int exitCode)
{
    QJsonArray functions;
    for (const auto& row : rows) {
        functions.append(QJsonObject { { QStringLiteral("key"), row.id.key }, { QStringLiteral("token"), row.id.token },
            { QStringLiteral("baseline"), sideJson(row.baseline) }, { QStringLiteral("candidate"), sideJson(row.candidate) },
            { QStringLiteral("change"),
                QJsonObject { { QStringLiteral("mean_pct"), optional(row.changePercent(CheckMetric::Mean)) },
                    { QStringLiteral("p50_pct"), optional(row.changePercent(CheckMetric::P50)) },
                    { QStringLiteral("p95_pct"), optional(row.changePercent(CheckMetric::P95)) },
                    { QStringLiteral("error_rate_pct"), optional(row.changePercent(CheckMetric::Errors)) } } },
            { QStringLiteral("p_value"), row.test.pValue }, { QStringLiteral("errors_p_value"), row.errorsPValue },
            { QStringLiteral("verdict"), verdictName(row.verdict) },
            { QStringLiteral("exceeded"), QJsonArray::fromStringList(row.exceeded) } });
    }
    QJsonArray thresholds;
    for (const auto& t : command.check.thresholds)
        thresholds.append(formatThreshold(t));
    const QJsonObject root { { QStringLiteral("baseline"), specJson(command.baseline) },
        { QStringLiteral("candidate"), specJson(command.candidate) }, { QStringLiteral("fail_above"), thresholds },
        { QStringLiteral("min_calls"), command.check.minCalls }, { QStringLiteral("significance"), command.check.significance },
        { QStringLiteral("functions"), functions }, { QStringLiteral("regressions"), regressions },
        { QStringLiteral("exit_code"), exitCode } };
    std::printf("%s\n", QJsonDocument(root).toJson(QJsonDocument::Indented).constData());
}

} // namespace

int runCompareCommand(const QStringList& arguments)
{
    int exitCode = CompareError;
    auto command = parse(arguments, exitCode);
    if (!command)
        return exitCode;
    Query query(command->store->createReader());
    const auto keys = query.keys(command->token);
    if (!keys) {
        fail(keys.error());
        return CompareError;
    }
    QList<CheckRow> rows;
    int judged = 0;
    int regressions = 0;
    for (const auto& info : *keys) {
        if (!command->keys.isEmpty() && !command->keys.contains(info.id.key))
            continue;
        const auto before = read(query, info, command->baseline, *command);
        const auto after = before ? read(query, info, command->candidate, *command) : before;
        if (!before || !after) {
            fail(QStringLiteral("%1: %2").arg(info.id.key, !before ? before.error() : after.error()));
            return CompareError;
        }
        if (before->values.isEmpty() && after->values.isEmpty())
            continue; // not called in either
        const CheckRow row = checkFunction(info.id, *before, *after, command->check);
        judged += row.verdict != CheckRow::Verdict::TooFewCalls ? 1 : 0;
        regressions += row.verdict == CheckRow::Verdict::Regression ? 1 : 0;
        rows.append(row);
    }
    if (judged == 0) {
        fail(rows.isEmpty() ? QStringLiteral("no function has calls in the baseline or the candidate")
                            : QStringLiteral("no function has %1 calls in both the baseline and the candidate")
                                  .arg(command->check.minCalls));
        if (command->json)
            printJson(rows, *command, 0, CompareError);
        return CompareError;
    }
    // Regressions first, the functions not judged last, then by how much the p95 grew.
    const auto rank = [](const CheckRow& row) {
        return row.verdict == CheckRow::Verdict::Regression ? 0 : row.verdict == CheckRow::Verdict::TooFewCalls ? 2 : 1;
    };
    std::stable_sort(rows.begin(), rows.end(), [&](const CheckRow& a, const CheckRow& b) {
        if (rank(a) != rank(b))
            return rank(a) < rank(b);
        return a.changePercent(CheckMetric::P95).value_or(0) > b.changePercent(CheckMetric::P95).value_or(0);
    });
    const int code = regressions > 0 ? CompareRegression : CompareOk;
    if (command->json) {
        printJson(rows, *command, regressions, code);
    } else {
        printTable(rows, *command);
        std::printf("%d function(s) compared, %d regression(s)\n", judged, regressions);
    }
    return code;
}

} // namespace Kodemon
