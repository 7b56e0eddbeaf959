// SPDX-License-Identifier: MIT
// SQLite and ClickHouse given the same samples give the same answers to every query of the query layer:
// key lists, every page of every range, nearest-rank percentiles at the sizes where rounding bites (1, 2, 999,
// 1000, 1001, ...), and buckets. Exact, except means and standard deviations, which differ at most by the
// rounding of a different summation order. Tag filters and outcomes over extra fields that spell names and
// values with JSON escapes (which ClickHouse's prefilter must not lose) answer the same too.
#include "base/tagfilter.h"
#include "clickhouse/clickhousestore.h"
#include "clickhouseserver.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"

#include <cmath>
#include <QTemporaryDir>
#include <QtTest>
#include <random>

using namespace Kodemon;

class tst_ClickHouseAgreement : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void keys();
    void pages_data();
    void pages();
    void statistics_data();
    void statistics();
    void buckets_data();
    void buckets();
    void tagFiltersAndOutcomes_data();
    void tagFiltersAndOutcomes();

private:
    void addSelectors();

    QTemporaryDir m_dir;
    std::unique_ptr<Kodemon::Test::ClickHouseServer> m_server;
    std::shared_ptr<Store> m_sqlite;
    std::shared_ptr<Store> m_clickhouse;
    std::unique_ptr<Query> m_sqliteQuery;
    std::unique_ptr<Query> m_clickhouseQuery;
};

namespace {

const QStringList Tokens { QString(), QStringLiteral("a"), QStringLiteral("b") };
const QStringList Keys { QStringLiteral("/srv/app/sizes.py-f"), QStringLiteral("/srv/app/ties.py-g"),
    QStringLiteral("/srv/app/edges.py-h") };
// Samples per (key, token): around the sizes where ceil(n * p) changes; the third key's values are edge cases of
// exact percentiles (heavy ties, extremes), see value().
const int Sizes[3][3] = { { 1, 999, 1001 }, { 2, 1000, 2500 }, { 3000, 2, 1000 } };

bool close(double a, double b)
{
    return a == b || std::abs(a - b) <= 1e-12 * std::max(std::abs(a), std::abs(b));
}

// The third key: heavy ties of close values (5.0 and 5.001), whole milliseconds, zero, a denormal and a
// huge value (token ""); two equal values ("a"); 1,000 equal values ("b").
double value(int key, int token, int i, std::mt19937_64& random, std::lognormal_distribution<double>& ms)
{
    if (key != 2)
        return ms(random);
    if (token == 1)
        return 7.5;
    if (token == 2)
        return 3.25;
    static const double Edges[] = { 0.0, 5e-324, 1e15, 0.0 };
    if (i < 4)
        return Edges[i];
    switch (i % 3) {
    case 0:
        return 5.0;
    case 1:
        return 5.001;
    default:
        return std::floor(ms(random));
    }
}

QList<Sample> generate()
{
    std::mt19937_64 random(8);
    std::lognormal_distribution<double> ms(2.0, 1.5);
    std::uniform_int_distribution<int> second(0, 300);
    std::uniform_int_distribution<int> quarter(0, 3);
    QList<Sample> samples;
    // The first samples create the series in token order: SQLite breaks timestamp ties by series creation,
    // ClickHouse by token, so the orders agree.
    for (int k = 0; k < Keys.size(); ++k) {
        for (int t = 0; t < Tokens.size(); ++t) {
            for (int i = 0; i < Sizes[k][t]; ++i) {
                const double ts = 1795600000.0 + second(random) + (k == 1 ? 0.0 : quarter(random) * 0.25);
                const QByteArray extra
                    = i % 5 == 0 ? QByteArray(R"({"n":)") + QByteArray::number(i) + '}' : QByteArray();
                samples.append({ Tokens[t], Keys[k], ts, value(k, t, i, random, ms), 1795600000, extra });
            }
        }
    }
    return samples;
}

const QString TagsKey = QStringLiteral("/srv/app/tags.py-t");

// Extra fields that hold a tag, or look as if they did, written plainly and with escapes.
const QList<QByteArray> TaggedExtras { R"({"endpoint":"/cart"})", R"({"\u0065ndpoint":"/cart"})",
    R"({"endpoint":"\/cart"})", R"({"endpoint":"/cart","error":true})", R"({"endpoint":"/cart/more"})",
    R"({"path":"endpoint"})", R"({"error":"boom"})", R"({"error":false})", R"({"error":null})",
    R"({"\u0065rror":true})", R"({"caf\u00e9":"x"})", "{\"caf\xc3\xa9\":\"x\"}", R"({"tier":5})",
    R"({"tier":"gold","error":1})", R"({"tier":"5"})", R"({"endpoint")", "", R"({"q\"uote":"a\\b"})" };

QList<Sample> taggedSamples()
{
    QList<Sample> samples;
    for (int i = 0; i < TaggedExtras.size() * 7; ++i) {
        samples.append({ i % 2 ? QStringLiteral("a") : QString(), TagsKey, 1795600000.0 + i, 1.0 + 0.5 * i, 1795600000,
            TaggedExtras.at(i % TaggedExtras.size()) });
    }
    return samples;
}

} // namespace

void tst_ClickHouseAgreement::initTestCase()
{
    m_server = std::make_unique<Kodemon::Test::ClickHouseServer>();
    QVERIFY2(m_server->start(), qPrintable(m_server->error()));
    m_sqlite = std::make_shared<SqliteStore>(m_dir.filePath(QStringLiteral("a.sqlite")));
    m_clickhouse = std::make_shared<ClickHouseStore>(m_server->config(QStringLiteral("agreement")));
    QVERIFY(m_sqlite->open().ok());
    const auto opened = m_clickhouse->open();
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error()));
    const auto samples = generate();
    for (const auto& store : { m_sqlite, m_clickhouse }) {
        auto writer = store->createWriter();
        // Two batches: the second one's samples tie with the first one's.
        QVERIFY(writer->write(samples.first(samples.size() / 2)).ok());
        QVERIFY(writer->write(samples.mid(samples.size() / 2)).ok());
        QVERIFY(writer->write(taggedSamples()).ok());
    }
    m_sqliteQuery = std::make_unique<Query>(m_sqlite->createReader());
    m_clickhouseQuery = std::make_unique<Query>(m_clickhouse->createReader());
}

void tst_ClickHouseAgreement::keys()
{
    for (const auto& token : { std::optional<QString>(), std::optional<QString>(QStringLiteral("a")) }) {
        const auto expected = m_sqliteQuery->keys(token);
        const auto actual = m_clickhouseQuery->keys(token);
        QVERIFY2(actual.ok(), actual.ok() ? "" : qPrintable(actual.error()));
        QCOMPARE(actual->size(), expected->size());
        for (qsizetype i = 0; i < expected->size(); ++i) {
            QCOMPARE(actual->at(i).id, expected->at(i).id);
            QCOMPARE(actual->at(i).count, expected->at(i).count);
            QCOMPARE(actual->at(i).first, expected->at(i).first);
            QCOMPARE(actual->at(i).last, expected->at(i).last);
            QVERIFY(close(actual->at(i).totalExecutionTime, expected->at(i).totalExecutionTime));
        }
    }
}

void tst_ClickHouseAgreement::addSelectors()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<std::optional<double>>("from");
    QTest::addColumn<std::optional<double>>("to");
    const std::optional<double> open;
    const std::optional<double> from = 1795600100.25;
    const std::optional<double> to = 1795600200.0;
    for (const auto& key : Keys) {
        for (const auto& token : { std::optional<QString>(), std::optional<QString>(QString()),
                 std::optional<QString>(QStringLiteral("a")), std::optional<QString>(QStringLiteral("b")) }) {
            const QString name
                = key.section(QLatin1Char('/'), -1) + QLatin1Char(' ') + token.value_or(QStringLiteral("*"));
            QTest::newRow(qPrintable(name + QStringLiteral(" open"))) << key << token << open << open;
            QTest::newRow(qPrintable(name + QStringLiteral(" from"))) << key << token << from << open;
            QTest::newRow(qPrintable(name + QStringLiteral(" to"))) << key << token << open << to;
            QTest::newRow(qPrintable(name + QStringLiteral(" both"))) << key << token << from << to;
            QTest::newRow(qPrintable(name + QStringLiteral(" one second"))) << key << token << to << to;
            QTest::newRow(qPrintable(name + QStringLiteral(" empty")))
                << key << token << std::optional<double>(1e9) << std::optional<double>(1e9 + 1);
        }
    }
}

void tst_ClickHouseAgreement::pages_data()
{
    addSelectors();
}

void tst_ClickHouseAgreement::pages()
{
    QFETCH(QString, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(std::optional<double>, from);
    QFETCH(std::optional<double>, to);
    const SeriesSelector selector { key, token, { from, to } };
    const auto everything = m_sqliteQuery->executions(selector, {}, Query::MaxPageSize);
    QVERIFY(everything.ok());
    for (const int limit : { 7, 250, Query::MaxPageSize }) {
        QString cursor;
        QList<StoredSample> paged;
        do {
            const auto page = m_clickhouseQuery->executions(selector, cursor, limit);
            QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error()));
            QVERIFY(page->samples.size() <= limit);
            paged += page->samples;
            cursor = page->next.value_or(QString());
        } while (!cursor.isEmpty());
        QCOMPARE(paged.size(), everything->samples.size());
        for (qsizetype i = 0; i < paged.size(); ++i) {
            const auto &a = paged.at(i), &e = everything->samples.at(i);
            QVERIFY2(a.timestamp == e.timestamp && a.executionTime == e.executionTime && a.token == e.token
                    && a.extra == e.extra,
                qPrintable(QStringLiteral("row %1 of limit %2 differs").arg(i).arg(limit)));
        }
    }
}

void tst_ClickHouseAgreement::statistics_data()
{
    addSelectors();
}

void tst_ClickHouseAgreement::statistics()
{
    QFETCH(QString, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(std::optional<double>, from);
    QFETCH(std::optional<double>, to);
    const SeriesSelector selector { key, token, { from, to } };
    const auto e = m_sqliteQuery->stats(selector);
    const auto a = m_clickhouseQuery->stats(selector);
    QVERIFY2(a.ok(), a.ok() ? "" : qPrintable(a.error()));
    QCOMPARE(a->count, e->count);
    if (e->count == 0)
        return;
    QCOMPARE(a->min, e->min);
    QCOMPARE(a->max, e->max);
    QCOMPARE(a->p50, e->p50);
    QCOMPARE(a->p90, e->p90);
    QCOMPARE(a->p95, e->p95);
    QCOMPARE(a->p99, e->p99);
    QCOMPARE(a->p999, e->p999);
    QVERIFY2(close(a->mean, e->mean), qPrintable(QString::number(a->mean - e->mean)));
    QVERIFY2(std::abs(a->stddev - e->stddev) <= 1e-9 * std::max(1.0, e->stddev),
        qPrintable(QString::number(a->stddev - e->stddev)));
}

void tst_ClickHouseAgreement::buckets_data()
{
    addSelectors();
}

void tst_ClickHouseAgreement::buckets()
{
    QFETCH(QString, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(std::optional<double>, from);
    QFETCH(std::optional<double>, to);
    const SeriesSelector selector { key, token, { from, to } };
    for (const int count : { 1, 7, 100, 1000 }) {
        const auto e = m_sqliteQuery->buckets(selector, count);
        const auto a = m_clickhouseQuery->buckets(selector, count);
        QVERIFY2(a.ok(), a.ok() ? "" : qPrintable(a.error()));
        QCOMPARE(a->step, e->step);
        QCOMPARE(a->buckets.size(), e->buckets.size());
        for (qsizetype i = 0; i < e->buckets.size(); ++i) {
            const auto &x = a->buckets.at(i), &y = e->buckets.at(i);
            QVERIFY2(x.start == y.start && x.count == y.count && x.min == y.min && x.max == y.max && x.p95 == y.p95
                    && close(x.mean, y.mean),
                qPrintable(QStringLiteral("bucket %1 of %2 differs").arg(i).arg(count)));
        }
    }
}

void tst_ClickHouseAgreement::tagFiltersAndOutcomes_data()
{
    QTest::addColumn<QByteArrayList>("filters");
    QTest::addColumn<CallOutcome>("outcome");
    const QList<QPair<const char*, QByteArrayList>> filters { { "none", {} }, { "name:value", { "endpoint:/cart" } },
        { "name", { "endpoint" } }, { "!name", { "!endpoint" } }, { "name!:value", { "endpoint!:/cart" } },
        { "non-ASCII name", { "caf\u00e9:x" } }, { "number", { "tier:5" } }, { "two", { "tier", "error:boom" } },
        { "quote and backslash", { "q\"uote:a\\b" } }, { "nobody", { "nobody:x" } } };
    const QList<QPair<const char*, CallOutcome>> outcomes { { "all", CallOutcome::All },
        { "failed", CallOutcome::Failed }, { "succeeded", CallOutcome::Succeeded } };
    for (const auto& [name, texts] : filters) {
        for (const auto& [outcomeName, outcome] : outcomes)
            QTest::newRow(qPrintable(QStringLiteral("%1, %2").arg(QLatin1String(name), QLatin1String(outcomeName))))
                << texts << outcome;
    }
}

// The ClickHouse reader leaves calls that cannot pass on the server (ClickHouseSql::callsThatMayPass); SQLite
// judges every call: both must keep the same ones.
void tst_ClickHouseAgreement::tagFiltersAndOutcomes()
{
    QFETCH(QByteArrayList, filters);
    QFETCH(CallOutcome, outcome);
    QList<TagFilter> tags;
    for (const QByteArray& text : filters) {
        auto filter = parseTagFilter(QString::fromUtf8(text));
        QVERIFY2(filter.ok(), text.constData());
        tags.append(*filter);
    }
    for (const auto& token : { std::optional<QString>(), std::optional<QString>(QStringLiteral("a")) }) {
        const SeriesSelector selector { TagsKey, token, {}, tags, outcome };
        const auto e = m_sqliteQuery->stats(selector);
        const auto a = m_clickhouseQuery->stats(selector);
        QVERIFY2(e.ok() && a.ok(), qPrintable(e.ok() ? (a.ok() ? QString() : a.error()) : e.error()));
        QCOMPARE(a->count, e->count);
        QCOMPARE(a->errors, e->errors);
        if (e->count > 0) {
            QCOMPARE(a->min, e->min);
            QCOMPARE(a->max, e->max);
            QCOMPARE(a->p50, e->p50);
        }
        const auto expected = m_sqliteQuery->executions(selector, {}, Query::MaxPageSize);
        const auto actual = m_clickhouseQuery->executions(selector, {}, Query::MaxPageSize);
        QVERIFY(expected.ok() && actual.ok());
        QCOMPARE(actual->samples.size(), expected->samples.size());
        for (qsizetype i = 0; i < expected->samples.size(); ++i)
            QCOMPARE(actual->samples.at(i).extra, expected->samples.at(i).extra);
        const auto expectedTags = m_sqliteQuery->tags(selector, 10);
        const auto actualTags = m_clickhouseQuery->tags(selector, 10);
        QVERIFY(expectedTags.ok() && actualTags.ok());
        QCOMPARE(actualTags->size(), expectedTags->size());
        for (qsizetype i = 0; i < expectedTags->size(); ++i) {
            QCOMPARE(actualTags->at(i).name, expectedTags->at(i).name);
            QCOMPARE(actualTags->at(i).calls, expectedTags->at(i).calls);
        }
    }
}

QTEST_GUILESS_MAIN(tst_ClickHouseAgreement)
#include "tst_clickhouseagreement.moc"
