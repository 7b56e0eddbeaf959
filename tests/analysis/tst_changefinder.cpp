// SPDX-License-Identifier: MIT
// findChanges over a real SQLite store: two functions of a day of synthetic traffic, one slowed by half at noon by
// release 1.4.2 shortly after a deploy marker, one steady; the change is found, ranked, named with its release
// and the marker; filters and refusals; the release and marker choices on their own.
#include "analysis/changefinder.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"
#include "syntheticcalls.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

namespace {

const QString Slowed = QStringLiteral("/srv/shop/cart.py-checkout");
const QString Steady = QStringLiteral("/srv/shop/cart.py-total");
const QString Token = QStringLiteral("shop");
constexpr double Hour = 3600;

QList<Sample> samplesOf(const CallHistory& history, const QString& key, double releaseTime)
{
    QList<Sample> samples;
    qsizetype failure = 0;
    for (const auto& call : history.calls) {
        QJsonObject extra { { QStringLiteral("release"), QLatin1String(call.timestamp >= releaseTime ? "1.4.2" : "1.4.1") } };
        if (failure < history.failures.size() && history.failures[failure] == call.timestamp) {
            extra.insert(QStringLiteral("error"), QStringLiteral("Timeout"));
            ++failure;
        }
        samples.append(Sample { Token, key, call.timestamp, call.value, qint64(call.timestamp),
            QJsonDocument(extra).toJson(QJsonDocument::Compact) });
    }
    return samples;
}

Annotation marker(double time, const char* text, const QString& token = {})
{
    Annotation annotation;
    annotation.time = time;
    annotation.text = QString::fromUtf8(text);
    annotation.token = token;
    return annotation;
}

} // namespace

class tst_ChangeFinder : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void findsTheSlowedFunction();
    void filtersByKey();
    void refusesAnOpenRange();
    void findsAChangeOfOneTagValue();
    void firstRelease_data();
    void firstRelease();
    void annotationFor_data();
    void annotationFor();
    void controlFalseDiscoveries_data();
    void controlFalseDiscoveries();

private:
    QTemporaryDir m_dir;
    std::unique_ptr<SqliteStore> m_store;
    SyntheticSeries m_series;
    double m_step = 0;
};

void tst_ChangeFinder::initTestCase()
{
    m_store = std::make_unique<SqliteStore>(m_dir.filePath(QStringLiteral("changes.sqlite")));
    QVERIFY(m_store->open().ok());
    m_series.seed = 42;
    m_step = m_series.from + 12 * Hour;
    SyntheticSeries slowed = m_series;
    slowed.steps = { SyntheticSeries::Step { m_step, 1.5 } };
    SyntheticSeries steady = m_series;
    steady.seed = 43;
    auto writer = m_store->createWriter();
    QVERIFY(writer->write(samplesOf(generateCalls(slowed), Slowed, m_step)).ok());
    QVERIFY(writer->write(samplesOf(generateCalls(steady), Steady, m_step)).ok());
}

void tst_ChangeFinder::findsTheSlowedFunction()
{
    Query query(m_store->createReader());
    ChangeRequest request;
    request.range = TimeRange { m_series.from, m_series.from + m_series.seconds };
    request.annotations = { marker(m_step - 5 * Hour, "deploy 1.4.0"), marker(m_step - 120, "deploy 1.4.2"),
        marker(m_step - 60, "another project's deploy", QStringLiteral("billing")) };
    const auto report = findChanges(query, request);
    QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error()));
    QCOMPARE(report->functions, 2);
    QVERIFY(report->calls > 50000);
    QCOMPARE(report->changes.size(), 1);
    const Change& change = report->changes.first();
    QCOMPARE(change.id.key, Slowed);
    QCOMPARE(change.id.token, Token);
    QVERIFY2(std::abs(change.time - m_step) <= change.bucketSeconds, qPrintable(QString::number(change.time - m_step)));
    // Every call 1.5 times slower: the median and the p95 both moved (the larger of the two names the change).
    QVERIFY(change.medianChanged);
    QVERIFY(change.metric != ChangeMetric::ErrorRate);
    QVERIFY2(change.relativeChange > 0.35 && change.relativeChange < 0.7,
        qPrintable(QString::number(change.relativeChange)));
    QVERIFY(!change.improvement);
    QVERIFY(change.pValue < 1e-6);
    QVERIFY(change.callsAffected > 10000);
    QCOMPARE(change.impact, std::abs(change.relativeChange) * double(change.callsAffected));
    QCOMPARE(change.releaseTag, QStringLiteral("release"));
    QCOMPARE(change.release, QStringLiteral("1.4.2"));
    QVERIFY(change.annotation);
    QCOMPARE(change.annotation->text, QStringLiteral("deploy 1.4.2"));
    QVERIFY(change.before.calls >= 200 && change.after.calls >= 200);
    QVERIFY(change.after.p50 > change.before.p50 * 1.3);
}

void tst_ChangeFinder::filtersByKey()
{
    Query query(m_store->createReader());
    ChangeRequest request;
    request.range = TimeRange { m_series.from, m_series.from + m_series.seconds };
    request.key = Steady;
    const auto report = findChanges(query, request);
    QVERIFY(report.ok());
    QCOMPARE(report->functions, 1);
    QVERIFY(report->changes.isEmpty());
    request.key = std::nullopt;
    request.token = QStringLiteral("billing");
    const auto none = findChanges(query, request);
    QVERIFY(none.ok());
    QCOMPARE(none->functions, 0);
    // Only the calls of release 1.4.2: the step is before them, so nothing changed among them.
    request.token = std::nullopt;
    request.tags = { parseTagFilter(QStringLiteral("release:1.4.2")).value() };
    const auto after = findChanges(query, request);
    QVERIFY(after.ok());
    QCOMPARE(after->functions, 2);
    QVERIFY(after->changes.isEmpty());
}

void tst_ChangeFinder::refusesAnOpenRange()
{
    Query query(m_store->createReader());
    ChangeRequest request;
    request.range = TimeRange { m_series.from, std::nullopt };
    const auto report = findChanges(query, request);
    QVERIFY(!report.ok());
    QCOMPARE(report.errorKind(), ErrorKind::Invalid);
    request.range = TimeRange { m_series.from + 10, m_series.from };
    QCOMPARE(findChanges(query, request).errorKind(), ErrorKind::Invalid);
}

// One function, two endpoints: only /cart's calls get 1.6 times slower at noon, and /cart has a fifth of the
// calls. Per value of `endpoint`, the change is /cart's, and /list has none.
void tst_ChangeFinder::findsAChangeOfOneTagValue()
{
    QTemporaryDir dir;
    SqliteStore store(dir.filePath(QStringLiteral("groups.sqlite")));
    QVERIFY(store.open().ok());
    const QString key = QStringLiteral("/srv/shop/api.py-route");
    const auto tagged = [&](SyntheticSeries series, const char* endpoint) {
        QList<Sample> samples;
        const QByteArray extra = QByteArray("{\"endpoint\":\"") + endpoint + "\"}";
        for (const auto& call : generateCalls(series).calls)
            samples.append(Sample { Token, key, call.timestamp, call.value, qint64(call.timestamp), extra });
        return samples;
    };
    SyntheticSeries cart = m_series;
    cart.seed = 44;
    cart.callsPerMinute = 5;
    cart.steps = { SyntheticSeries::Step { m_step, 1.6 } };
    SyntheticSeries list = m_series;
    list.seed = 45;
    auto writer = store.createWriter();
    QVERIFY(writer->write(tagged(cart, "/cart") + tagged(list, "/list")).ok());

    Query query(store.createReader());
    ChangeRequest request;
    request.range = TimeRange { m_series.from, m_series.from + m_series.seconds };
    request.groupBy = QStringLiteral("endpoint");
    const auto report = findChanges(query, request);
    QVERIFY2(report.ok(), report.ok() ? "" : qPrintable(report.error()));
    QCOMPARE(report->functions, 2); // (function, value) pairs
    QCOMPARE(report->changes.size(), 1);
    const Change& change = report->changes.first();
    QCOMPARE(change.id.key, key);
    QCOMPARE(change.groupTag, QStringLiteral("endpoint"));
    QCOMPARE(change.groupValue, QStringLiteral("/cart"));
    QVERIFY2(std::abs(change.time - m_step) <= change.bucketSeconds, qPrintable(QString::number(change.time - m_step)));
    QVERIFY2(change.relativeChange > 0.4, qPrintable(QString::number(change.relativeChange)));
    // Its sides hold /cart's calls only: 5 a minute, not the function's 25.
    QVERIFY(change.after.to - change.after.from > 0);
    QVERIFY(double(change.after.calls) / ((change.after.to - change.after.from) / 60) < 8);
    // One value asked for: the function's most frequent, /list, which did not change.
    request.groups = 1;
    const auto top = findChanges(query, request);
    QVERIFY(top.ok());
    QCOMPARE(top->functions, 1);
    QVERIFY(top->changes.isEmpty());
    // Without grouping the function is analysed once, as a whole.
    request.groupBy.clear();
    const auto whole = findChanges(query, request);
    QVERIFY(whole.ok());
    QCOMPARE(whole->functions, 1);
    for (const auto& c : whole->changes)
        QVERIFY(c.groupTag.isEmpty());
}

void tst_ChangeFinder::firstRelease_data()
{
    QTest::addColumn<QList<QByteArray>>("extras");
    QTest::addColumn<QString>("tag");
    QTest::addColumn<QString>("value");
    QTest::newRow("none") << QList<QByteArray> {} << QString() << QString();
    QTest::newRow("no tags") << QList<QByteArray> { {}, "{}" } << QString() << QString();
    QTest::newRow("release") << QList<QByteArray> { "{\"release\":\"2.0\"}" } << "release" << "2.0";
    QTest::newRow("the first call's") << QList<QByteArray> { "{\"release\":\"2.0\"}", "{\"release\":\"2.1\"}" }
                                      << "release" << "2.0";
    QTest::newRow("a later call's") << QList<QByteArray> { "{\"tier\":\"gold\"}", "{\"release\":\"2.1\"}" }
                                    << "release" << "2.1";
    QTest::newRow("version") << QList<QByteArray> { "{\"version\":3}" } << "version" << "3";
    QTest::newRow("release before version") << QList<QByteArray> { "{\"version\":\"3\"}", "{\"release\":\"r7\"}" }
                                            << "release" << "r7";
    QTest::newRow("not a tag (an object)") << QList<QByteArray> { "{\"release\":{\"v\":1}}" } << QString() << QString();
    QTest::newRow("malformed") << QList<QByteArray> { "{\"release\":" } << QString() << QString();
}

void tst_ChangeFinder::firstRelease()
{
    QFETCH(QList<QByteArray>, extras);
    QFETCH(QString, tag);
    QFETCH(QString, value);
    const auto found = Kodemon::firstRelease(extras);
    QCOMPARE(found.has_value(), !tag.isEmpty());
    if (found) {
        QCOMPARE(found->first, tag);
        QCOMPARE(found->second, value);
    }
}

void tst_ChangeFinder::annotationFor_data()
{
    QTest::addColumn<QList<Annotation>>("annotations");
    QTest::addColumn<QString>("expected");
    constexpr double T = 1800000000;
    const auto period = [&](double from, double to, const char* text) {
        Annotation a = marker(from, text);
        a.end = to;
        return a;
    };
    QTest::newRow("none") << QList<Annotation> {} << QString();
    QTest::newRow("just before") << QList<Annotation> { marker(T - 120, "deploy") } << "deploy";
    QTest::newRow("the latest before") << QList<Annotation> { marker(T - 600, "a"), marker(T - 60, "b") } << "b";
    QTest::newRow("after it: not its cause") << QList<Annotation> { marker(T + 1, "late") } << QString();
    QTest::newRow("more than an hour before") << QList<Annotation> { marker(T - 3601, "old") } << QString();
    QTest::newRow("at the same second") << QList<Annotation> { marker(T, "same") } << "same";
    QTest::newRow("a period still running") << QList<Annotation> { period(T - 5 * 3600, T + 60, "migration") }
                                            << "migration";
    QTest::newRow("a period over long ago") << QList<Annotation> { period(T - 5 * 3600, T - 4 * 3600, "m") }
                                            << QString();
    QTest::newRow("another project's") << QList<Annotation> { marker(T - 60, "x", QStringLiteral("billing")) }
                                       << QString();
    QTest::newRow("this project's") << QList<Annotation> { marker(T - 60, "x", QStringLiteral("shop")) } << "x";
}

void tst_ChangeFinder::annotationFor()
{
    QFETCH(QList<Annotation>, annotations);
    QFETCH(QString, expected);
    Change change;
    change.id = KeyId { QStringLiteral("shop"), Slowed };
    change.time = 1800000000;
    const auto found = Kodemon::annotationFor(change, annotations);
    QCOMPARE(found ? found->text : QString(), expected);
}

void tst_ChangeFinder::controlFalseDiscoveries_data()
{
    QTest::addColumn<qint64>("functions");
    QTest::addColumn<double>("rate");
    QTest::addColumn<QList<double>>("pValues");
    QTest::addColumn<QList<double>>("kept");
    // What gendb's 1,000 step-free functions gave at p < 0.001 alone (bench/changebench --print): all withheld.
    const QList<double> chance { 8.61e-4, 2.92e-4, 9.26e-4, 4.93e-4, 5.18e-4, 5.23e-4, 6.21e-4 };
    QTest::newRow("1,000 step-free functions") << qint64(1000) << 0.05 << chance << QList<double> {};
    QTest::newRow("the same beside one real step") << qint64(1000) << 0.05 << chance + QList<double> { 1e-9 }
                                                   << QList<double> { 1e-9 };
    // A release slowed 40 of 1,000: the bar rises with the rank, 0.05 * 47 / 1000 = 2.35e-3 lets every one through.
    QList<double> release(40, 1e-8);
    QTest::newRow("a release that slowed 40 functions") << qint64(1000) << 0.05 << chance + release << chance + release;
    QTest::newRow("a handful of functions") << qint64(3) << 0.05 << QList<double> { 9e-4, 2e-4 }
                                            << QList<double> { 9e-4, 2e-4 };
    QTest::newRow("off") << qint64(1000) << 0.0 << chance << chance;
    // Step-up: sorted 6e-5, 8e-5, 3e-4; p(1) = 6e-5 > 0.05 * 1 / 1000, but p(2) = 8e-5 <= 0.05 * 2 / 1000 keeps both.
    QTest::newRow("step-up keeps the ranks below the last passing one") << qint64(1000) << 0.05
                                                                        << QList<double> { 8e-5, 6e-5, 3e-4 }
                                                                        << QList<double> { 8e-5, 6e-5 };
    QTest::newRow("more changes than functions") << qint64(1) << 0.05 << QList<double>(60, 9e-4)
                                                 << QList<double>(60, 9e-4);
}

void tst_ChangeFinder::controlFalseDiscoveries()
{
    QFETCH(qint64, functions);
    QFETCH(double, rate);
    QFETCH(QList<double>, pValues);
    QFETCH(QList<double>, kept);
    ChangeReport report;
    report.functions = functions;
    report.options.falseDiscoveryRate = rate;
    for (const double p : pValues) {
        Change change;
        change.pValue = p;
        report.changes.append(change);
    }
    Kodemon::controlFalseDiscoveries(report);
    QList<double> left;
    for (const auto& change : std::as_const(report.changes))
        left.append(change.pValue);
    QCOMPARE(left, kept); // in the order they came
    QCOMPARE(report.withheld, pValues.size() - kept.size());
}

QTEST_GUILESS_MAIN(tst_ChangeFinder)
#include "tst_changefinder.moc"
