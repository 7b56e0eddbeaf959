// SPDX-License-Identifier: MIT
// Tag filters, groups, tag lists and error counts through the query layer, checked against a brute-force
// computation over the calls the test wrote (taggedcalls.h). The store is an SQLite file, or with
// KODEMON_TEST_STORE=clickhouse a real ClickHouse server (tst_tagquery_clickhouse): the same answers from both.
#include "base/stats.h"
#include "base/tagfilter.h"
#include "store/query.h"
#include "taggedcalls.h"
#include "teststore.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::TaggedCall;
using Kodemon::Test::TaggedCalls;

class tst_TagQuery : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void statsAgree_data();
    void statsAgree();
    void valuesAndPagesAgree_data();
    void valuesAndPagesAgree();
    void bucketsAgree_data();
    void bucketsAgree();
    void summariesAgree_data();
    void summariesAgree();
    void groupedBucketsAgree_data();
    void groupedBucketsAgree();
    void tagListsAgree_data();
    void tagListsAgree();
    void errorCountsOfKeys();
    void badFiltersAreInvalid();
    void comparisonsCountFailedCalls();

private:
    void addFilterRows();
    QTemporaryDir m_dir;
    Kodemon::Test::TestStores m_stores;
    std::shared_ptr<Store> m_store;
    std::unique_ptr<Query> m_query;
    QList<TaggedCall> m_calls;
};

Q_DECLARE_METATYPE(QList<Kodemon::TagFilter>)

namespace {

constexpr double First = 1700000000;

QList<TagFilter> filters(const QStringList& texts)
{
    QList<TagFilter> out;
    for (const auto& text : texts)
        out.append(*parseTagFilter(text));
    return out;
}

// The selector of a row of addFilterRows().
SeriesSelector selectorOfRow()
{
    QFETCH(QString, key);
    QFETCH(std::optional<QString>, token);
    QFETCH(TimeRange, range);
    QFETCH(QList<TagFilter>, tags);
    QFETCH(int, outcome);
    return { key, token, range, tags, CallOutcome(outcome) };
}

QList<double> timesOf(const QList<TaggedCall>& calls)
{
    QList<double> times;
    for (const auto& call : calls)
        times.append(call.executionTime);
    return times;
}

qint64 failedOf(const QList<TaggedCall>& calls)
{
    return std::count_if(calls.begin(), calls.end(), [](const TaggedCall& call) { return call.failed; });
}

} // namespace

void tst_TagQuery::initTestCase()
{
    auto store = m_stores.create(m_dir.path(), QStringLiteral("tags"));
    QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error()));
    m_store = *store;
    m_calls = TaggedCalls::generate(30000, 7, First);
    // Several batches, as a collector writes them.
    auto writer = m_store->createWriter();
    const QList<Sample> samples = TaggedCalls::samples(m_calls);
    for (qsizetype at = 0; at < samples.size(); at += 7000)
        QVERIFY(writer->write(samples.mid(at, 7000)).ok());
    m_query = std::make_unique<Query>(m_store->createReader());
}

void tst_TagQuery::addFilterRows()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<std::optional<QString>>("token");
    QTest::addColumn<TimeRange>("range");
    QTest::addColumn<QList<TagFilter>>("tags");
    QTest::addColumn<int>("outcome");
    const QString handler = TaggedCalls::Handler;
    const QString checkout = TaggedCalls::Checkout;
    const TimeRange all;
    const TimeRange middle { First + 1234.5, First + 8765 };
    const std::optional<QString> any;
    const std::optional<QString> shop = QStringLiteral("shop");
    const int every = int(CallOutcome::All);
    struct Row
    {
        const char* name;
        QStringList filters;
        int outcome;
    };
    const Row rows[] = {
        { "no filter", {}, every },
        { "equals", { QStringLiteral("endpoint:/cart") }, every },
        { "not equals", { QStringLiteral("endpoint!:/cart") }, every },
        { "present", { QStringLiteral("endpoint") }, every },
        { "absent", { QStringLiteral("!endpoint") }, every },
        { "escaped value", { QStringLiteral("endpoint:/a b&c=d+e%f#g") }, every },
        { "non-ASCII value with colon", { QStringLiteral("endpoint:ünï:cödé!\\ \"q\"") }, every },
        { "and", { QStringLiteral("tier:gold"), QStringLiteral("status:200") }, every },
        { "number", { QStringLiteral("status:500") }, every },
        { "boolean", { QStringLiteral("cached:true") }, every },
        { "indexed user", { QStringLiteral("user:u5") }, every },
        { "user past the index", { QStringLiteral("user:u1499") }, every },
        { "not that user", { QStringLiteral("user!:u1499") }, every },
        { "no user", { QStringLiteral("!user") }, every },
        { "object is no tag", { QStringLiteral("ctx") }, every },
        { "error class", { QStringLiteral("error:ValueError") }, every },
        { "error false is a tag", { QStringLiteral("error:false") }, every },
        { "unknown tag", { QStringLiteral("nope:1") }, every },
        { "failed", {}, int(CallOutcome::Failed) },
        { "succeeded", {}, int(CallOutcome::Succeeded) },
        { "failed gold", { QStringLiteral("tier:gold") }, int(CallOutcome::Failed) },
    };
    for (const auto& row : rows) {
        QTest::addRow("%s, handler, all", row.name) << handler << any << all << filters(row.filters) << row.outcome;
        QTest::addRow("%s, checkout shop, middle", row.name)
            << checkout << shop << middle << filters(row.filters) << row.outcome;
    }
}

void tst_TagQuery::statsAgree_data()
{
    addFilterRows();
}

void tst_TagQuery::statsAgree()
{
    const SeriesSelector selector = selectorOfRow();
    const auto expected = TaggedCalls::select(m_calls, selector);
    const KeyStats want = computeStats(timesOf(expected));
    const auto got = m_query->stats(selector);
    QVERIFY2(got.ok(), got.ok() ? "" : qPrintable(got.error()));
    QCOMPARE(got->count, want.count);
    QCOMPARE(got->errors, failedOf(expected));
    if (want.count == 0)
        return;
    QCOMPARE(got->min, want.min);
    QCOMPARE(got->max, want.max);
    QCOMPARE(got->p50, want.p50);
    QCOMPARE(got->p90, want.p90);
    QCOMPARE(got->p95, want.p95);
    QCOMPARE(got->p99, want.p99);
    QVERIFY(qFuzzyCompare(got->mean, want.mean));
}

void tst_TagQuery::valuesAndPagesAgree_data()
{
    addFilterRows();
}

void tst_TagQuery::valuesAndPagesAgree()
{
    const SeriesSelector selector = selectorOfRow();
    const auto expected = TaggedCalls::select(m_calls, selector);

    const auto values = m_query->values(selector);
    QVERIFY2(values.ok(), values.ok() ? "" : qPrintable(values.error()));
    QCOMPARE(values->size(), expected.size());
    QMultiHash<double, double> want;
    for (const auto& call : expected)
        want.insert(call.timestamp, call.executionTime);
    for (qsizetype i = 0; i < values->size(); ++i) {
        if (i > 0)
            QVERIFY(values->at(i - 1).timestamp <= values->at(i).timestamp);
        QVERIFY(want.contains(values->at(i).timestamp, values->at(i).value));
    }

    // Pages: every selected call once, with its extra fields exactly as sent.
    QMultiHash<QByteArray, int> sent;
    for (const auto& call : expected)
        sent.insert(QByteArray::number(call.timestamp, 'f', 3) + ' ' + QByteArray::number(call.executionTime, 'g', 17)
                + ' ' + call.token.toUtf8() + ' ' + call.extra,
            0);
    QString cursor;
    qsizetype seen = 0;
    int pages = 0;
    do {
        const auto page = m_query->executions(selector, cursor, 997);
        QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error()));
        for (const auto& sample : page->samples) {
            const QByteArray id = QByteArray::number(sample.timestamp, 'f', 3) + ' '
                + QByteArray::number(sample.executionTime, 'g', 17) + ' ' + sample.token.toUtf8() + ' ' + sample.extra;
            QVERIFY2(sent.contains(id), id.constData());
            sent.remove(id, 0);
            ++seen;
        }
        cursor = page->next.value_or(QString());
        QVERIFY(++pages < 1000);
    } while (!cursor.isEmpty());
    QCOMPARE(seen, expected.size());
}

void tst_TagQuery::bucketsAgree_data()
{
    addFilterRows();
}

void tst_TagQuery::bucketsAgree()
{
    const SeriesSelector selector = selectorOfRow();
    const auto expected = TaggedCalls::select(m_calls, selector);
    // An open range spans every call of the key's series, whatever the filters select.
    const auto series = TaggedCalls::select(m_calls, SeriesSelector { selector.key, selector.token, {} });
    double first = series.first().timestamp;
    double last = series.first().timestamp;
    for (const auto& call : series) {
        first = std::min(first, call.timestamp);
        last = std::max(last, call.timestamp);
    }
    QList<TimedValue> points;
    QList<double> failures;
    for (const auto& call : expected) {
        points.append({ call.timestamp, call.executionTime });
        if (call.failed)
            failures.append(call.timestamp);
    }
    const BucketedSeries want
        = bucketize(points, selector.range.from.value_or(first), selector.range.to.value_or(last), 100, failures);
    const auto got = m_query->buckets(selector, 100);
    QVERIFY2(got.ok(), got.ok() ? "" : qPrintable(got.error()));
    QCOMPARE(got->step, want.step);
    QCOMPARE(got->buckets.size(), want.buckets.size());
    for (qsizetype i = 0; i < want.buckets.size(); ++i) {
        QCOMPARE(got->buckets[i].start, want.buckets[i].start);
        QCOMPARE(got->buckets[i].count, want.buckets[i].count);
        QCOMPARE(got->buckets[i].min, want.buckets[i].min);
        QCOMPARE(got->buckets[i].max, want.buckets[i].max);
        QCOMPARE(got->buckets[i].p95, want.buckets[i].p95);
        QCOMPARE(got->buckets[i].errors, want.buckets[i].errors);
    }
}

void tst_TagQuery::summariesAgree_data()
{
    QTest::addColumn<QList<TagFilter>>("tags");
    QTest::addColumn<int>("outcome");
    QTest::addColumn<QString>("groupBy");
    QTest::addColumn<TimeRange>("range");
    const TimeRange middle { First + 1234.5, First + 8765 };
    QTest::newRow("plain") << QList<TagFilter>() << int(CallOutcome::All) << QString() << TimeRange {};
    QTest::newRow("filtered") << filters({ QStringLiteral("endpoint:/cart") }) << int(CallOutcome::All) << QString()
                              << middle;
    QTest::newRow("failed only") << QList<TagFilter>() << int(CallOutcome::Failed) << QString() << TimeRange {};
    QTest::newRow("by endpoint") << QList<TagFilter>() << int(CallOutcome::All) << QStringLiteral("endpoint")
                                 << TimeRange {};
    QTest::newRow("by tier, no user") << filters({ QStringLiteral("!user") }) << int(CallOutcome::All)
                                      << QStringLiteral("tier") << middle;
}

void tst_TagQuery::summariesAgree()
{
    QFETCH(QList<TagFilter>, tags);
    QFETCH(int, outcome);
    QFETCH(QString, groupBy);
    QFETCH(TimeRange, range);
    SummaryRequest request { range, std::nullopt, tags, CallOutcome(outcome), groupBy, 2 };
    const auto rows = m_query->functionsTable(request);
    QVERIFY2(rows.ok(), rows.ok() ? "" : qPrintable(rows.error()));
    qsizetype total = 0;
    for (const auto& row : *rows) {
        SeriesSelector selector { row.info.id.key, row.info.id.token, range, tags, CallOutcome(outcome) };
        QList<TaggedCall> expected = TaggedCalls::select(m_calls, selector);
        if (row.group) {
            QVERIFY(!groupBy.isEmpty());
            // Top 2 values by calls, then other, then those without the tag.
            QHash<QString, qsizetype> byValue;
            for (const auto& call : std::as_const(expected)) {
                if (const auto value = TaggedCalls::valueOf(call, groupBy))
                    ++byValue[*value];
            }
            QList<std::pair<qsizetype, QString>> ranked;
            for (auto it = byValue.cbegin(); it != byValue.cend(); ++it)
                ranked.append({ -it.value(), it.key() });
            std::sort(ranked.begin(), ranked.end());
            QStringList top;
            for (qsizetype i = 0; i < std::min<qsizetype>(2, ranked.size()); ++i)
                top.append(ranked[i].second);
            const TagGroup group = *row.group;
            expected.removeIf([&](const TaggedCall& call) {
                const auto value = TaggedCalls::valueOf(call, groupBy);
                switch (group.kind) {
                case TagGroup::Kind::Value:
                    return value != group.value;
                case TagGroup::Kind::Other:
                    return !value || top.contains(*value);
                case TagGroup::Kind::Missing:
                    return value.has_value();
                }
                return true;
            });
            if (group.kind == TagGroup::Kind::Value)
                QVERIFY2(top.contains(group.value), qPrintable(group.value));
        } else {
            QVERIFY(groupBy.isEmpty());
        }
        QList<double> times = timesOf(expected);
        const KeyStats want = computeStats(times);
        QCOMPARE(row.count, want.count);
        QCOMPARE(row.errors, failedOf(expected));
        QCOMPARE(row.p95, want.p95);
        if (want.count > 0)
            QVERIFY(qFuzzyCompare(row.mean, want.mean));
        total += row.count;
    }
    // Every selected call is in exactly one row.
    qsizetype selected = 0;
    for (const QString& key : { TaggedCalls::Checkout, TaggedCalls::Handler })
        selected += TaggedCalls::select(m_calls, SeriesSelector { key, std::nullopt, range, tags, CallOutcome(outcome) }).size();
    QCOMPARE(total, selected);
}

void tst_TagQuery::groupedBucketsAgree_data()
{
    QTest::addColumn<QString>("groupBy");
    QTest::addColumn<int>("top");
    QTest::newRow("endpoint, top 2") << QStringLiteral("endpoint") << 2;
    QTest::newRow("endpoint, top 10") << QStringLiteral("endpoint") << 10;
    QTest::newRow("status") << QStringLiteral("status") << 10;
    QTest::newRow("user, past the index") << QStringLiteral("user") << 3;
    QTest::newRow("unknown tag") << QStringLiteral("nope") << 10;
}

void tst_TagQuery::groupedBucketsAgree()
{
    QFETCH(QString, groupBy);
    QFETCH(int, top);
    const SeriesSelector selector { TaggedCalls::Handler, std::nullopt, {}, filters({ QStringLiteral("!ctx") }) };
    const auto lines = m_query->groupedBuckets(selector, groupBy, 50, top);
    QVERIFY2(lines.ok(), lines.ok() ? "" : qPrintable(lines.error()));
    const auto expected = TaggedCalls::select(m_calls, selector);
    qint64 total = 0;
    qint64 errors = 0;
    for (const auto& line : *lines) {
        qint64 inBuckets = 0;
        for (const auto& bucket : line.series.buckets) {
            inBuckets += bucket.count;
            errors += bucket.errors;
        }
        QCOMPARE(inBuckets, line.count);
        total += line.count;
        // Values past the index are "other" in a store that indexes (each series its own first 1,000 values):
        // for that tag only the totals are exact.
        if (line.group.kind == TagGroup::Kind::Value && groupBy != u"user") {
            const qint64 withValue = std::count_if(expected.begin(), expected.end(),
                [&](const TaggedCall& call) { return TaggedCalls::valueOf(call, groupBy) == line.group.value; });
            QCOMPARE(line.count, withValue);
        }
        if (line.group.kind == TagGroup::Kind::Missing) {
            const qint64 without = std::count_if(expected.begin(), expected.end(),
                [&](const TaggedCall& call) { return !TaggedCalls::valueOf(call, groupBy); });
            QCOMPARE(line.count, without);
        }
    }
    QCOMPARE(total, expected.size());
    QCOMPARE(errors, failedOf(expected));
    QVERIFY(lines->size() <= top + 2);
}

void tst_TagQuery::tagListsAgree_data()
{
    QTest::addColumn<TimeRange>("range");
    QTest::addColumn<QList<TagFilter>>("tags");
    QTest::newRow("all time") << TimeRange {} << QList<TagFilter>();
    QTest::newRow("middle, gold") << TimeRange { First + 1234.5, First + 8765 } << filters({ QStringLiteral("tier:gold") });
}

void tst_TagQuery::tagListsAgree()
{
    QFETCH(TimeRange, range);
    QFETCH(QList<TagFilter>, tags);
    const SeriesSelector selector { TaggedCalls::Checkout, std::nullopt, range, tags };
    const auto list = m_query->tags(selector, 3);
    QVERIFY2(list.ok(), list.ok() ? "" : qPrintable(list.error()));
    const auto expected = TaggedCalls::select(m_calls, selector);
    QHash<QString, QHash<QString, qint64>> counts;
    for (const auto& call : expected) {
        for (const auto& [name, value] : call.tags)
            ++counts[name][value];
    }
    QCOMPARE(list->size(), counts.size());
    for (const auto& tag : *list) {
        QVERIFY2(counts.contains(tag.name), qPrintable(tag.name));
        const auto& values = counts[tag.name];
        qint64 calls = 0;
        for (const qint64 n : values)
            calls += n;
        QCOMPARE(tag.calls, calls);
        QVERIFY(tag.values.size() <= 3);
        if (tag.overflowed) {
            QCOMPARE(tag.name, QStringLiteral("user")); // past the index, values are not told apart
            continue;
        }
        QCOMPARE(tag.values.size() + tag.otherValues, values.size());
        for (const auto& value : tag.values)
            QCOMPARE(value.calls, values.value(value.value));
        // Most frequent first.
        for (qsizetype i = 1; i < tag.values.size(); ++i)
            QVERIFY(tag.values[i - 1].calls >= tag.values[i].calls);
    }
}

void tst_TagQuery::errorCountsOfKeys()
{
    const auto keys = m_query->keys();
    QVERIFY(keys.ok());
    QCOMPARE(keys->size(), 4);
    for (const auto& info : *keys) {
        const auto calls = TaggedCalls::select(m_calls, SeriesSelector { info.id.key, info.id.token, {} });
        QCOMPARE(info.count, calls.size());
        QCOMPARE(info.errors, failedOf(calls));
    }
}

void tst_TagQuery::badFiltersAreInvalid()
{
    const SeriesSelector empty { TaggedCalls::Handler, std::nullopt, {}, { TagFilter { TagFilter::Op::Equals, {}, {} } } };
    QCOMPARE(m_query->stats(empty).errorKind(), ErrorKind::Invalid);
    QCOMPARE(m_query->groupedBuckets({ TaggedCalls::Handler, std::nullopt, {} }, QString()).errorKind(),
        ErrorKind::Invalid);
    QCOMPARE(m_query->tags({ TaggedCalls::Handler, std::nullopt, {} }, 0).errorKind(), ErrorKind::Invalid);
}

// The comparison's statistics count failed calls as /api/stats does, with the filters applied (a bug found by the
// web page: both ranges said 0).
void tst_TagQuery::comparisonsCountFailedCalls()
{
    SeriesSelector selector { TaggedCalls::Handler, std::nullopt, { First, First + 5000 }, filters({ QStringLiteral("tier:gold") }) };
    const TimeRange baseline { First + 5000.5, First + 10000 };
    const auto comparison = m_query->compare(selector, baseline);
    QVERIFY2(comparison.ok(), comparison.ok() ? "" : qPrintable(comparison.error()));
    const auto now = TaggedCalls::select(m_calls, selector);
    SeriesSelector before = selector;
    before.range = baseline;
    const auto then = TaggedCalls::select(m_calls, before);
    QCOMPARE(comparison->currentStats.count, now.size());
    QCOMPARE(comparison->currentStats.errors, failedOf(now));
    QCOMPARE(comparison->baselineStats.count, then.size());
    QCOMPARE(comparison->baselineStats.errors, failedOf(then));
    QVERIFY(failedOf(now) > 0);
}

QTEST_GUILESS_MAIN(tst_TagQuery)
#include "tst_tagquery.moc"
