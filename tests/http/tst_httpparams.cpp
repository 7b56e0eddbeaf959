// SPDX-License-Identifier: MIT
// Query parameters of every route: decoding of keys, every time form, defaults, limits and the 400 errors
// that name the wrong parameter.
#include "http/httpparams.h"
#include "base/tagfilter.h"

#include <QtTest>
#include <QUrl>
#include <QUrlQuery>

using namespace Kodemon;

class tst_HttpParams : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void keysAreDecodedExactly_data();
    void keysAreDecodedExactly();
    void timeForms_data();
    void timeForms();
    void errorsNameTheParameter_data();
    void errorsNameTheParameter();
    void tokens_data();
    void tokens();
    void countsAndDefaults();
    void formats_data();
    void formats();
    void routesWithoutParameters();
    void compareBaselines_data();
    void compareBaselines();
    void tagFilters_data();
    void tagFilters();
    void groupsAndTagLists();
    void functionsTable();
    void alertsParams();
};

namespace {

constexpr double Now = 1'700'000'000;

// The query as the server sees it: parsed from the request target like QHttpServer does.
QUrlQuery queryOf(const QString& raw)
{
    return QUrlQuery(QUrl(QStringLiteral("http://127.0.0.1/api/x?") + raw));
}

std::optional<ParamError> errorOf(const QString& route, const QString& raw, const QByteArray& accept = {})
{
    const auto query = queryOf(raw);
    if (route == u"keys") {
        auto p = parseKeysParams(query);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    if (route == u"executions") {
        auto p = parseExecutionsParams(query, Now, accept);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    if (route == u"stats") {
        auto p = parseStatsParams(query, Now);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    if (route == u"series") {
        auto p = parseSeriesParams(query, Now);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    if (route == u"compare") {
        auto p = parseCompareParams(query, Now);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    if (route == u"tags") {
        auto p = parseTagsParams(query, Now);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    if (route == u"functions") {
        auto p = parseFunctionsParams(query, Now);
        return p.ok() ? std::nullopt : std::optional<ParamError>(p.error);
    }
    return checkNoParams(query);
}

} // namespace

void tst_HttpParams::keysAreDecodedExactly_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("key");
    QTest::newRow("plain") << QStringLiteral("key=app.py-handler") << QStringLiteral("app.py-handler");
    QTest::newRow("slash as is") << QStringLiteral("key=/srv/app.py-f") << QStringLiteral("/srv/app.py-f");
    QTest::newRow("slash encoded") << QStringLiteral("key=%2Fsrv%2Fapp.py-f") << QStringLiteral("/srv/app.py-f");
    QTest::newRow("plus is a space") << QStringLiteral("key=a+b") << QStringLiteral("a b");
    QTest::newRow("encoded plus") << QStringLiteral("key=a%2Bb") << QStringLiteral("a+b");
    QTest::newRow("encoded space") << QStringLiteral("key=a%20b") << QStringLiteral("a b");
    QTest::newRow("form-encoded path with spaces (urlencode, requests, URLSearchParams)")
        << QStringLiteral("key=%2Fsrv%2Fmy+shop%2Futil.py-a%2Bb") << QStringLiteral("/srv/my shop/util.py-a+b");
    QTest::newRow("pluses and spaces mixed") << QStringLiteral("key=c+%2B%2B+x") << QStringLiteral("c ++ x");
    QTest::newRow("form-encoded non-ASCII with a space") << QStringLiteral("key=caf%C3%A9+bar")
                                                         << QString::fromUtf8("café bar");
    QTest::newRow("percent") << QStringLiteral("key=100%25") << QStringLiteral("100%");
    QTest::newRow("question mark as is") << QStringLiteral("key=a?b") << QStringLiteral("a?b");
    QTest::newRow("question and hash encoded") << QStringLiteral("key=a%3Fb%23c") << QStringLiteral("a?b#c");
    QTest::newRow("ampersand and equals") << QStringLiteral("key=a%26b%3Dc") << QStringLiteral("a&b=c");
    QTest::newRow("non-ASCII") << QStringLiteral("key=caf%C3%A9-%E2%82%AC-%F0%9F%98%80")
                               << QString::fromUtf8("café-€-😀");
    QTest::newRow("dots") << QStringLiteral("key=..%2F..%2Fetc") << QStringLiteral("../../etc");
    QTest::newRow("backslash and quote") << QStringLiteral("key=a%5Cb%22c") << QStringLiteral("a\\b\"c");
}

void tst_HttpParams::keysAreDecodedExactly()
{
    QFETCH(QString, raw);
    QFETCH(QString, key);
    const auto params = parseExecutionsParams(queryOf(raw), Now);
    QVERIFY2(params.ok(), qPrintable(params.error.detail));
    QCOMPARE(params.value->selector.key, key);
    const auto stats = parseStatsParams(queryOf(raw), Now);
    QVERIFY(stats.ok());
    QCOMPARE(stats.value->selector.key, key);
}

void tst_HttpParams::timeForms_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<double>("seconds");
    QTest::newRow("epoch") << QStringLiteral("1413404125") << 1413404125.0;
    QTest::newRow("epoch fraction") << QStringLiteral("1413404125.25") << 1413404125.25;
    QTest::newRow("ISO UTC") << QStringLiteral("2014-10-15T20:15:25Z") << 1413404125.0;
    QTest::newRow("ISO offset, plus as is") << QStringLiteral("2014-10-15T22:15:25+02:00") << 1413404125.0;
    QTest::newRow("ISO offset, plus encoded") << QStringLiteral("2014-10-15T22:15:25%2B02:00") << 1413404125.0;
    QTest::newRow("ISO milliseconds") << QStringLiteral("2014-10-15T20:15:25.500Z") << 1413404125.5;
    QTest::newRow("ISO date") << QStringLiteral("2014-10-15") << 1413331200.0;
    QTest::newRow("date and time, form-encoded space") << QStringLiteral("2014-10-15+20:15:25") << 1413404125.0;
    QTest::newRow("now") << QStringLiteral("now") << Now;
    QTest::newRow("now-15m") << QStringLiteral("now-15m") << Now - 900;
    QTest::newRow("now-7d") << QStringLiteral("now-7d") << Now - 7 * 86400;
    QTest::newRow("now+1h, plus encoded") << QStringLiteral("now%2B1h") << Now + 3600;
    QTest::newRow("now+1h, typed by hand") << QStringLiteral("now+1h") << Now + 3600;
}

void tst_HttpParams::timeForms()
{
    QFETCH(QString, value);
    QFETCH(double, seconds);
    const auto from = parseSeriesParams(queryOf(QStringLiteral("key=k&from=") + value), Now);
    QVERIFY2(from.ok(), qPrintable(from.error.detail));
    QCOMPARE(from.value->selector.range.from, std::optional<double>(seconds));
    QVERIFY(!from.value->selector.range.to);
    const auto to = parseExecutionsParams(queryOf(QStringLiteral("key=k&to=") + value), Now);
    QVERIFY2(to.ok(), qPrintable(to.error.detail));
    QCOMPARE(to.value->selector.range.to, std::optional<double>(seconds));
    QVERIFY(!to.value->selector.range.from);
}

void tst_HttpParams::errorsNameTheParameter_data()
{
    QTest::addColumn<QString>("route");
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QString>("parameter");
    QTest::addColumn<QString>("detailPart");
    for (const char* route : { "executions", "stats", "series", "compare", "tags" }) {
        const QString r = QString::fromLatin1(route);
        QTest::addRow("%s: no key", route) << r << QString() << QStringLiteral("key") << QStringLiteral("required");
        QTest::addRow("%s: empty key", route)
            << r << QStringLiteral("key=") << QStringLiteral("key") << QStringLiteral("required");
        QTest::addRow("%s: bad from", route) << r << QStringLiteral("key=k&from=yesterday") << QStringLiteral("from")
                                             << QStringLiteral("\"yesterday\" is not a time");
        QTest::addRow("%s: empty to", route)
            << r << QStringLiteral("key=k&to=") << QStringLiteral("to") << QStringLiteral("empty");
        QTest::addRow("%s: a space is not a plus", route)
            << r << QStringLiteral("key=k&from=now%201h") << QStringLiteral("from") << QStringLiteral("not a time");
        QTest::addRow("%s: bad relative", route)
            << r << QStringLiteral("key=k&from=now-15x") << QStringLiteral("from") << QStringLiteral("now-15m");
        QTest::addRow("%s: reversed", route)
            << r << QStringLiteral("key=k&from=200&to=100") << QStringLiteral("to") << QStringLiteral("reversed");
        QTest::addRow("%s: key twice", route)
            << r << QStringLiteral("key=a&key=b") << QStringLiteral("key") << QStringLiteral("more than once");
        QTest::addRow("%s: typo", route) << r << QStringLiteral("key=a&form=1") << QStringLiteral("form")
                                         << QStringLiteral("unknown parameter");
    }
    const QString e = QStringLiteral("executions");
    QTest::newRow("limit 0") << e << QStringLiteral("key=k&limit=0") << QStringLiteral("limit")
                             << QStringLiteral("from 1 to 1000000");
    QTest::newRow("limit too big") << e << QStringLiteral("key=k&limit=1000001") << QStringLiteral("limit")
                                   << QStringLiteral("1000001");
    QTest::newRow("limit not a number") << e << QStringLiteral("key=k&limit=ten") << QStringLiteral("limit")
                                        << QStringLiteral("ten");
    QTest::newRow("limit fraction") << e << QStringLiteral("key=k&limit=1.5") << QStringLiteral("limit")
                                    << QStringLiteral("whole number");
    QTest::newRow("limit negative") << e << QStringLiteral("key=k&limit=-5") << QStringLiteral("limit")
                                    << QStringLiteral("-5");
    QTest::newRow("format") << e << QStringLiteral("key=k&format=xml") << QStringLiteral("format")
                            << QStringLiteral("json or csv");
    QTest::newRow("csv with limit") << e << QStringLiteral("key=k&format=csv&limit=5") << QStringLiteral("limit")
                                    << QStringLiteral("whole range");
    QTest::newRow("csv with cursor") << e << QStringLiteral("key=k&format=csv&cursor=abc") << QStringLiteral("cursor")
                                     << QStringLiteral("whole range");
    const QString s = QStringLiteral("series");
    QTest::newRow("points 0") << s << QStringLiteral("key=k&points=0") << QStringLiteral("points")
                              << QStringLiteral("from 1 to 10000");
    QTest::newRow("points too many") << s << QStringLiteral("key=k&points=10001") << QStringLiteral("points")
                                     << QStringLiteral("10001");
    QTest::newRow("stats has no points") << QStringLiteral("stats") << QStringLiteral("key=k&points=5")
                                         << QStringLiteral("points") << QStringLiteral("unknown parameter");
    for (const char* route : { "executions", "stats", "series", "tags", "functions" }) {
        const QString r = QString::fromLatin1(route);
        const QString k = r == u"functions" ? QString() : QStringLiteral("key=k&");
        QTest::addRow("%s: empty tag filter", route) << r << k + QStringLiteral("tag=") << QStringLiteral("tag")
                                                     << QStringLiteral("needs a tag name");
        QTest::addRow("%s: absent with a value", route)
            << r << k + QStringLiteral("tag=%21tier:gold") << QStringLiteral("tag") << QStringLiteral("name!:value");
        QTest::addRow("%s: bad escape", route) << r << k + QStringLiteral("tag=a%5Cnb") << QStringLiteral("tag")
                                               << QStringLiteral("backslash");
        QTest::addRow("%s: unknown outcome", route) << r << k + QStringLiteral("outcome=broken")
                                                    << QStringLiteral("outcome") << QStringLiteral("succeeded");
        QTest::addRow("%s: outcome twice", route) << r << k + QStringLiteral("outcome=failed&outcome=failed")
                                                  << QStringLiteral("outcome") << QStringLiteral("more than once");
    }
    QTest::newRow("empty group_by") << s << QStringLiteral("key=k&group_by=") << QStringLiteral("group_by")
                                    << QStringLiteral("needs a tag name");
    QTest::newRow("groups without group_by") << s << QStringLiteral("key=k&groups=3") << QStringLiteral("groups")
                                             << QStringLiteral("needs group_by");
    QTest::newRow("groups too many") << s << QStringLiteral("key=k&group_by=a&groups=51") << QStringLiteral("groups")
                                     << QStringLiteral("from 1 to 50");
    QTest::newRow("tag values 0") << QStringLiteral("tags") << QStringLiteral("key=k&values=0")
                                  << QStringLiteral("values") << QStringLiteral("from 1 to 1000");
    QTest::newRow("functions take no key") << QStringLiteral("functions") << QStringLiteral("key=k")
                                           << QStringLiteral("key") << QStringLiteral("unknown parameter");
    QTest::newRow("functions baseline needs from") << QStringLiteral("functions") << QStringLiteral("baseline=-1d")
                                                   << QStringLiteral("from") << QStringLiteral("baseline");
    QTest::newRow("functions bad baseline") << QStringLiteral("functions")
                                            << QStringLiteral("from=now-1h&baseline=tomorrow")
                                            << QStringLiteral("baseline") << QStringLiteral("-1d");
    const QString c = QStringLiteral("compare");
    QTest::newRow("compare needs from") << c << QStringLiteral("key=k&to=now") << QStringLiteral("from")
                                        << QStringLiteral("start of its range");
    QTest::newRow("baseline name") << c << QStringLiteral("key=k&from=now-1h&baseline=lastweek")
                                   << QStringLiteral("baseline") << QStringLiteral("-1d or -1w");
    QTest::newRow("baseline in the future") << c << QStringLiteral("key=k&from=now-1h&baseline=%2B1d")
                                            << QStringLiteral("baseline") << QStringLiteral("not \"+1d\"");
    QTest::newRow("baseline bare minus") << c << QStringLiteral("key=k&from=now-1h&baseline=-")
                                         << QStringLiteral("baseline") << QStringLiteral("-1w");
    QTest::newRow("baseline bad unit") << c << QStringLiteral("key=k&from=now-1h&baseline=-1y")
                                       << QStringLiteral("baseline") << QStringLiteral("-1y");
    QTest::newRow("baseline and its range") << c << QStringLiteral("key=k&from=now-1h&baseline=-1d&baseline_from=1")
                                            << QStringLiteral("baseline") << QStringLiteral("either");
    QTest::newRow("baseline_from alone") << c << QStringLiteral("key=k&from=now-1h&baseline_from=1")
                                         << QStringLiteral("baseline_to") << QStringLiteral("both");
    QTest::newRow("baseline_to alone") << c << QStringLiteral("key=k&from=now-1h&baseline_to=1")
                                       << QStringLiteral("baseline_from") << QStringLiteral("both");
    QTest::newRow("baseline reversed") << c << QStringLiteral("key=k&from=now-1h&baseline_from=9&baseline_to=1")
                                       << QStringLiteral("baseline_to") << QStringLiteral("reversed");
    QTest::newRow("baseline_from not a time") << c << QStringLiteral("key=k&from=now-1h&baseline_from=x&baseline_to=1")
                                              << QStringLiteral("baseline_from") << QStringLiteral("not a time");
    QTest::newRow("min_effect negative") << c << QStringLiteral("key=k&from=now-1h&min_effect=-1")
                                         << QStringLiteral("min_effect") << QStringLiteral("from 0 to 1000");
    QTest::newRow("min_effect words") << c << QStringLiteral("key=k&from=now-1h&min_effect=five")
                                      << QStringLiteral("min_effect") << QStringLiteral("five");
    QTest::newRow("min_effect nan") << c << QStringLiteral("key=k&from=now-1h&min_effect=nan")
                                    << QStringLiteral("min_effect") << QStringLiteral("nan");
    QTest::newRow("compare has no points") << c << QStringLiteral("key=k&from=1&points=5")
                                           << QStringLiteral("points") << QStringLiteral("unknown parameter");
    QTest::newRow("keys has no key") << QStringLiteral("keys") << QStringLiteral("key=k") << QStringLiteral("key")
                                     << QStringLiteral("takes: token");
    QTest::newRow("token twice") << QStringLiteral("keys") << QStringLiteral("token=a&token=a")
                                 << QStringLiteral("token") << QStringLiteral("more than once");
    QTest::newRow("status takes nothing") << QStringLiteral("status") << QStringLiteral("verbose=1")
                                          << QStringLiteral("verbose") << QStringLiteral("no parameters");
}

void tst_HttpParams::errorsNameTheParameter()
{
    QFETCH(QString, route);
    QFETCH(QString, raw);
    QFETCH(QString, parameter);
    QFETCH(QString, detailPart);
    const auto error = errorOf(route, raw);
    QVERIFY2(error.has_value(), "the parameters were accepted");
    QCOMPARE(error->parameter, parameter);
    QVERIFY2(error->detail.contains(detailPart), qPrintable(error->detail));
}

void tst_HttpParams::tokens_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<bool>("hasToken");
    QTest::addColumn<QString>("token");
    QTest::newRow("absent: every token") << QStringLiteral("key=k") << false << QString();
    QTest::newRow("given") << QStringLiteral("key=k&token=my-shop") << true << QStringLiteral("my-shop");
    QTest::newRow("empty: samples sent without one") << QStringLiteral("key=k&token=") << true << QString();
    QTest::newRow("decoded") << QStringLiteral("key=k&token=a%20b%2Bc+d") << true << QStringLiteral("a b+c d");
}

void tst_HttpParams::tokens()
{
    QFETCH(QString, raw);
    QFETCH(bool, hasToken);
    QFETCH(QString, token);
    const auto params = parseSeriesParams(queryOf(raw), Now);
    QVERIFY(params.ok());
    QCOMPARE(params.value->selector.token.has_value(), hasToken);
    if (hasToken)
        QCOMPARE(*params.value->selector.token, token);
    const QString withoutKey = raw.mid(QStringLiteral("key=k&").size()); // the same token for /api/keys
    const auto keys = parseKeysParams(queryOf(withoutKey));
    QVERIFY(keys.ok());
    QCOMPARE(keys.value->token.has_value(), hasToken);
    QCOMPARE(keys.value->token.value_or(QString()), token);
}

void tst_HttpParams::countsAndDefaults()
{
    const auto defaults = parseExecutionsParams(queryOf(QStringLiteral("key=k")), Now);
    QVERIFY(defaults.ok());
    QCOMPARE(defaults.value->limit, 10000);
    QCOMPARE(defaults.value->cursor, QString());
    QCOMPARE(defaults.value->format, ExportFormat::Json);
    QVERIFY(!defaults.value->selector.range.from && !defaults.value->selector.range.to);

    const auto paged = parseExecutionsParams(queryOf(QStringLiteral("key=k&limit=1000000&cursor=MTIzfDF8Mg")), Now);
    QVERIFY(paged.ok());
    QCOMPARE(paged.value->limit, 1000000);
    QCOMPARE(paged.value->cursor, QStringLiteral("MTIzfDF8Mg"));

    QCOMPARE(parseSeriesParams(queryOf(QStringLiteral("key=k")), Now).value->points, 500);
    QCOMPARE(parseSeriesParams(queryOf(QStringLiteral("key=k&points=1")), Now).value->points, 1);
    QCOMPARE(parseSeriesParams(queryOf(QStringLiteral("key=k&points=10000")), Now).value->points, 10000);
    const auto equal = parseStatsParams(queryOf(QStringLiteral("key=k&from=100&to=100")), Now);
    QVERIFY2(equal.ok(), "a range of one instant is not reversed");
}

void tst_HttpParams::formats_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QByteArray>("accept");
    QTest::addColumn<bool>("csv");
    QTest::newRow("default") << QStringLiteral("key=k") << QByteArray() << false;
    QTest::newRow("browser accept") << QStringLiteral("key=k")
                                    << QByteArray("text/html,application/xhtml+xml,*/*;q=0.8") << false;
    QTest::newRow("format=csv") << QStringLiteral("key=k&format=csv") << QByteArray() << true;
    QTest::newRow("Accept: text/csv") << QStringLiteral("key=k") << QByteArray("text/csv") << true;
    QTest::newRow("format wins over Accept") << QStringLiteral("key=k&format=json") << QByteArray("text/csv") << false;
}

void tst_HttpParams::formats()
{
    QFETCH(QString, raw);
    QFETCH(QByteArray, accept);
    QFETCH(bool, csv);
    const auto params = parseExecutionsParams(queryOf(raw), Now, accept);
    QVERIFY(params.ok());
    QCOMPARE(params.value->format == ExportFormat::Csv, csv);
}

void tst_HttpParams::compareBaselines_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("offset");
    QTest::addColumn<double>("from"); // the current range
    QTest::addColumn<double>("to");
    QTest::addColumn<double>("minimumEffect");
    QTest::newRow("previous by default") << QStringLiteral("key=k&from=now-1h") << int(BaselineSpec::Kind::Previous)
                                         << 0.0 << Now - 3600 << Now << 0.05;
    QTest::newRow("previous by name") << QStringLiteral("key=k&from=100&to=200&baseline=previous")
                                      << int(BaselineSpec::Kind::Previous) << 0.0 << 100.0 << 200.0 << 0.05;
    QTest::newRow("a day") << QStringLiteral("key=k&from=now-1h&to=now&baseline=-1d") << int(BaselineSpec::Kind::Offset)
                           << 86400.0 << Now - 3600 << Now << 0.05;
    QTest::newRow("a week") << QStringLiteral("key=k&from=now-1h&baseline=-1w") << int(BaselineSpec::Kind::Offset)
                            << 604800.0 << Now - 3600 << Now << 0.05;
    QTest::newRow("90 minutes") << QStringLiteral("key=k&from=now-1h&baseline=-90m")
                                << int(BaselineSpec::Kind::Offset) << 5400.0 << Now - 3600 << Now << 0.05;
    QTest::newRow("custom") << QStringLiteral("key=k&from=1000&to=2000&baseline_from=10&baseline_to=500")
                            << int(BaselineSpec::Kind::Custom) << 0.0 << 1000.0 << 2000.0 << 0.05;
    QTest::newRow("min effect 10%") << QStringLiteral("key=k&from=now-1h&min_effect=10")
                                    << int(BaselineSpec::Kind::Previous) << 0.0 << Now - 3600 << Now << 0.1;
    QTest::newRow("from in the future ends there")
        << QStringLiteral("key=k&from=now%2B1h") << int(BaselineSpec::Kind::Previous) << 0.0 << Now + 3600
        << Now + 3600 << 0.05;
    // A form-encoded key with spaces and a plus, as requests' params= sends it.
    QTest::newRow("form-encoded key") << QStringLiteral("key=%2Fmy+shop%2Fa.py-c%2B%2B&from=now-1h&baseline=-1d")
                                      << int(BaselineSpec::Kind::Offset) << 86400.0 << Now - 3600 << Now << 0.05;
}

void tst_HttpParams::compareBaselines()
{
    QFETCH(QString, raw);
    QFETCH(int, kind);
    QFETCH(double, offset);
    QFETCH(double, from);
    QFETCH(double, to);
    QFETCH(double, minimumEffect);
    const auto params = parseCompareParams(queryOf(raw), Now);
    QVERIFY2(params.ok(), qPrintable(params.error.detail));
    QCOMPARE(int(params.value->baseline.kind), kind);
    QCOMPARE(params.value->baseline.offset, offset);
    QCOMPARE(*params.value->selector.range.from, from);
    QCOMPARE(*params.value->selector.range.to, to);
    QCOMPARE(params.value->options.minimumEffect, minimumEffect);
    if (raw.contains(u"c%2B%2B"))
        QCOMPARE(params.value->selector.key, QStringLiteral("/my shop/a.py-c++"));
    if (params.value->baseline.kind == BaselineSpec::Kind::Custom) {
        QCOMPARE(*params.value->baseline.custom.from, 10.0);
        QCOMPARE(*params.value->baseline.custom.to, 500.0);
    }
}

void tst_HttpParams::tagFilters_data()
{
    QTest::addColumn<QString>("raw");
    QTest::addColumn<QStringList>("filters"); // as formatTagFilter writes them back
    QTest::addColumn<int>("outcome");
    const int all = int(CallOutcome::All);
    QTest::newRow("none") << QStringLiteral("key=k") << QStringList() << all;
    QTest::newRow("equals, as is") << QStringLiteral("key=k&tag=endpoint:/cart") << QStringList { QStringLiteral("endpoint:/cart") } << all;
    QTest::newRow("equals, form-encoded (urlencode, requests)")
        << QStringLiteral("key=k&tag=endpoint%3A%2Fcart") << QStringList { QStringLiteral("endpoint:/cart") } << all;
    QTest::newRow("absent and present") << QStringLiteral("key=k&tag=%21error&tag=tier")
                                        << QStringList { QStringLiteral("!error"), QStringLiteral("tier") } << all;
    QTest::newRow("not equals") << QStringLiteral("key=k&tag=tier!:gold") << QStringList { QStringLiteral("tier!:gold") } << all;
    // A value with a space, a plus, an ampersand and a percent sign, as URLSearchParams and urlencode write it.
    QTest::newRow("value that needs escaping")
        << QStringLiteral("key=k&tag=endpoint%3A%2Fa+b%26c%3Dd%2Be%25f") << QStringList { QStringLiteral("endpoint:/a b&c=d+e%f") }
        << all;
    QTest::newRow("non-ASCII") << QStringLiteral("key=k&tag=r%C3%A9gion%3Am%C3%BCnchen")
                               << QStringList { QString::fromUtf8("région:münchen") } << all;
    QTest::newRow("failed") << QStringLiteral("key=k&outcome=failed") << QStringList() << int(CallOutcome::Failed);
    QTest::newRow("succeeded with a tag") << QStringLiteral("key=k&outcome=succeeded&tag=tier:gold")
                                          << QStringList { QStringLiteral("tier:gold") } << int(CallOutcome::Succeeded);
}

void tst_HttpParams::tagFilters()
{
    QFETCH(QString, raw);
    QFETCH(QStringList, filters);
    QFETCH(int, outcome);
    const QList<SeriesSelector> selectors { parseStatsParams(queryOf(raw), Now).value->selector,
        parseSeriesParams(queryOf(raw), Now).value->selector, parseExecutionsParams(queryOf(raw), Now).value->selector,
        parseTagsParams(queryOf(raw), Now).value->selector };
    for (const auto& selector : selectors) {
        QStringList got;
        for (const auto& filter : selector.tags)
            got.append(formatTagFilter(filter));
        QCOMPARE(got, filters);
        QCOMPARE(int(selector.outcome), outcome);
    }
    const auto compare = parseCompareParams(queryOf(raw + QStringLiteral("&from=now-1h")), Now);
    QVERIFY2(compare.ok(), qPrintable(compare.error.detail));
    QCOMPARE(compare.value->selector.tags.size(), filters.size());
}

void tst_HttpParams::groupsAndTagLists()
{
    const auto grouped = parseSeriesParams(queryOf(QStringLiteral("key=k&group_by=tier&groups=3")), Now);
    QVERIFY2(grouped.ok(), qPrintable(grouped.error.detail));
    QCOMPARE(grouped.value->groupBy, QStringLiteral("tier"));
    QCOMPARE(grouped.value->groups, 3);
    QCOMPARE(parseSeriesParams(queryOf(QStringLiteral("key=k")), Now).value->groupBy, QString());
    const auto tags = parseTagsParams(queryOf(QStringLiteral("key=k&values=25&from=now-1h")), Now);
    QVERIFY(tags.ok());
    QCOMPARE(tags.value->valuesPerTag, 25);
    QCOMPARE(*tags.value->selector.range.from, Now - 3600);
}

void tst_HttpParams::functionsTable()
{
    const auto plain = parseFunctionsParams(queryOf(QString()), Now);
    QVERIFY(plain.ok());
    QVERIFY(!plain.value->baseline);
    QVERIFY(!plain.value->request.range.from);
    const auto full = parseFunctionsParams(
        queryOf(QStringLiteral("token=my+shop&from=now-1h&tag=tier:gold&outcome=failed&group_by=endpoint&groups=5&baseline=-1w")),
        Now);
    QVERIFY2(full.ok(), qPrintable(full.error.detail));
    const SummaryRequest& request = full.value->request;
    QCOMPARE(*request.token, QStringLiteral("my shop"));
    QCOMPARE(*request.range.from, Now - 3600);
    QCOMPARE(*request.range.to, Now); // a baseline needs a closed range
    QCOMPARE(request.tags.size(), 1);
    QCOMPARE(request.outcome, CallOutcome::Failed);
    QCOMPARE(request.groupBy, QStringLiteral("endpoint"));
    QCOMPARE(request.topGroups, 5);
    QCOMPARE(full.value->baseline->kind, BaselineSpec::Kind::Offset);
    QCOMPARE(full.value->baseline->offset, 604800.0);
}

void tst_HttpParams::routesWithoutParameters()
{
    QVERIFY(!checkNoParams(queryOf(QString())));
    QVERIFY(checkNoParams(queryOf(QStringLiteral("a=1"))));
}

// GET /api/alerts: a state to filter by and how many transitions per rule; anything else is refused.
void tst_HttpParams::alertsParams()
{
    const auto defaults = parseAlertsParams(queryOf(QString()));
    QVERIFY(defaults.ok());
    QVERIFY(!defaults.value->state);
    QCOMPARE(defaults.value->history, 10);
    const auto firing = parseAlertsParams(queryOf(QStringLiteral("state=firing&history=0")));
    QVERIFY(firing.ok());
    QCOMPARE(*firing.value->state, AlertState::Firing);
    QCOMPARE(firing.value->history, 0);
    QCOMPARE(*parseAlertsParams(queryOf(QStringLiteral("state=resolving"))).value->state, AlertState::Resolving);
    for (const auto& [raw, parameter] : { std::pair { "state=burning", "state" }, std::pair { "history=51", "history" },
             std::pair { "history=-1", "history" }, std::pair { "history=ten", "history" },
             std::pair { "state=ok&state=firing", "state" }, std::pair { "key=x", "key" } }) {
        const auto parsed = parseAlertsParams(queryOf(QString::fromLatin1(raw)));
        QVERIFY2(!parsed.ok(), raw);
        QCOMPARE(parsed.error.parameter, QString::fromLatin1(parameter));
    }
}

QTEST_GUILESS_MAIN(tst_HttpParams)
#include "tst_httpparams.moc"
