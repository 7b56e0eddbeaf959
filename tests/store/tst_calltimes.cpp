// SPDX-License-Identifier: MIT
// StoreReader::callTimes, the alert rules' batch question: for many selectors at once (keys, tokens, ranges, tag
// filters, outcomes, a key that never sent), exactly the execution times and failed calls a brute-force reading
// of the calls gives, with calls both compacted into series chunks and still in the recent table. SQLite answers
// with its own pass; with KODEMON_TEST_STORE=clickhouse the default (the query layer's scan) answers.
#include "store/query.h"
#include "taggedcalls.h"
#include "teststore.h"

#include <algorithm>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::TaggedCalls;

class tst_CallTimes : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void agreesWithTheCallsSent();

private:
    QTemporaryDir m_dir;
    Kodemon::Test::TestStores m_stores;
    std::shared_ptr<Store> m_store;
    QList<Kodemon::Test::TaggedCall> m_calls;
};

namespace {

constexpr double First = 1795600000;

QList<double> sorted(QList<double> values)
{
    std::sort(values.begin(), values.end());
    return values;
}

TagFilter filter(TagFilter::Op op, const char* name, const char* value = "")
{
    return TagFilter { op, QString::fromUtf8(name), QString::fromUtf8(value) };
}

} // namespace

void tst_CallTimes::initTestCase()
{
    auto store = m_stores.create(m_dir.path(), QStringLiteral("calltimes"));
    QVERIFY2(store.ok(), store.ok() ? "" : qPrintable(store.error()));
    m_store = *store;
    // Two commits: the first large enough that the SQLite writer compacts it into series chunks, the second
    // left in the recent table.
    m_calls = TaggedCalls::generate(120000, 17, First);
    auto writer = m_store->createWriter();
    const auto samples = TaggedCalls::samples(m_calls);
    QVERIFY(writer->write(samples.mid(0, 110000)).ok());
    QVERIFY(writer->write(samples.mid(110000)).ok());
}

void tst_CallTimes::agreesWithTheCallsSent()
{
    const double last = m_calls.last().timestamp;
    const TimeRange all { First, last };
    const TimeRange tail { last - (last - First) / 20, last }; // mostly the recent table's calls
    const TimeRange middle { First + (last - First) / 3, First + (last - First) / 2 };
    QList<SeriesSelector> selectors;
    for (const QString& key : { TaggedCalls::Checkout, TaggedCalls::Handler }) {
        for (const auto& range : { all, tail, middle }) {
            selectors.append(SeriesSelector(key, std::nullopt, range));
            selectors.append(SeriesSelector(key, QStringLiteral("shop"), range));
            selectors.append(SeriesSelector(key, std::nullopt, range, {}, CallOutcome::Failed));
            selectors.append(SeriesSelector(key, std::nullopt, range,
                { filter(TagFilter::Op::Equals, "endpoint", "/cart") }, CallOutcome::Succeeded));
            selectors.append(SeriesSelector(key, std::nullopt, range, { filter(TagFilter::Op::Absent, "endpoint") }));
        }
    }
    selectors.append(SeriesSelector(QStringLiteral("/srv/never/sent.py-f"), std::nullopt, all));
    selectors.append(SeriesSelector(TaggedCalls::Checkout, QStringLiteral("no such token"), all));
    Query query(m_store->createReader());
    const auto answers = query.callTimes(selectors);
    QVERIFY2(answers.ok(), answers.ok() ? "" : qPrintable(answers.error()));
    QCOMPARE(answers->size(), selectors.size());
    qint64 checked = 0;
    for (qsizetype i = 0; i < selectors.size(); ++i) {
        QList<double> expected;
        qint64 failed = 0;
        for (const auto& call : TaggedCalls::select(m_calls, selectors[i])) {
            expected.append(call.executionTime);
            failed += call.failed ? 1 : 0;
        }
        QCOMPARE(sorted(answers->at(i).values), sorted(expected));
        QCOMPARE(answers->at(i).failed, failed);
        checked += expected.size();
    }
    QVERIFY(checked > 100000);
    QVERIFY(answers->at(selectors.size() - 2).values.isEmpty());
    // An invalid selector is refused before any store is asked.
    QCOMPARE(query.callTimes({ SeriesSelector(QString(), std::nullopt, all) }).errorKind(), ErrorKind::Invalid);
}

QTEST_GUILESS_MAIN(tst_CallTimes)
#include "tst_calltimes.moc"
