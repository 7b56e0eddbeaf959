// SPDX-License-Identifier: MIT
// The spool file on its own: batches come back as they went in, oldest first, across restarts; the size limit
// holds; a torn last record (a collector killed while appending) is cut off; foreign files are left untouched.
#include "ingest/samplespool.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_SampleSpool : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void roundTripOldestFirst();
    void survivesReopen();
    void limitIsHeld();
    void compactsSentRecords();
    void tornRecordIsCutOff();
    void foreignFileIsRefused();
    void secondOpenIsRefused();
    void aMissingFolderIsMade();

private:
    QString path() const { return m_dir->filePath(QStringLiteral("spool.bin")); }
    std::unique_ptr<QTemporaryDir> m_dir;
};

namespace {

SampleBatch batch(quint64 first, int count)
{
    SampleBatch batch { 0xfeedbeefcafe0001ULL, first, {} };
    for (int i = 0; i < count; ++i)
        batch.samples.append({ i % 2 ? QString() : QStringLiteral("tök"), QStringLiteral("/srv/a b/c.py-f"),
            1795608000.25 + i, 0.1 * i, 1795608001, i % 3 ? QByteArray() : QByteArray(R"({"x":1})") });
    return batch;
}

bool same(const SampleBatch& a, const SampleBatch& b)
{
    if (a.origin != b.origin || a.firstSequence != b.firstSequence || a.samples.size() != b.samples.size())
        return false;
    for (qsizetype i = 0; i < a.samples.size(); ++i) {
        const auto &x = a.samples[i], &y = b.samples[i];
        if (x.token != y.token || x.key != y.key || x.timestamp != y.timestamp || x.executionTime != y.executionTime
            || x.receivedAt != y.receivedAt || x.extra != y.extra)
            return false;
    }
    return true;
}

} // namespace

void tst_SampleSpool::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
}

void tst_SampleSpool::roundTripOldestFirst()
{
    auto spool = SampleSpool::open(path(), 1 << 20);
    QVERIFY2(spool.ok(), spool.ok() ? "" : qPrintable(spool.error()));
    QVERIFY((*spool)->isEmpty());
    QVERIFY(*(*spool)->append(batch(1, 10)));
    QVERIFY(*(*spool)->append(batch(11, 5)));
    QCOMPARE((*spool)->samples(), 15);
    QVERIFY(same(*(*spool)->front(), batch(1, 10)));
    QVERIFY((*spool)->popFront().ok());
    QVERIFY(same(*(*spool)->front(), batch(11, 5)));
    QVERIFY((*spool)->popFront().ok());
    QVERIFY((*spool)->isEmpty());
    QCOMPARE((*spool)->bytes(), 0);
    QCOMPARE(QFile(path()).size(), 24); // emptied down to its header
}

void tst_SampleSpool::survivesReopen()
{
    {
        auto spool = SampleSpool::open(path(), 1 << 20);
        QVERIFY(*(*spool)->append(batch(1, 10)));
        QVERIFY(*(*spool)->append(batch(11, 20)));
        QVERIFY(*(*spool)->append(batch(31, 30)));
        QVERIFY((*spool)->popFront().ok());
    }
    auto spool = SampleSpool::open(path(), 1 << 20);
    QVERIFY(spool.ok());
    QCOMPARE((*spool)->samples(), 50); // the sent batch does not come back
    QVERIFY(same(*(*spool)->front(), batch(11, 20)));
}

void tst_SampleSpool::limitIsHeld()
{
    auto spool = SampleSpool::open(path(), 4096);
    int appended = 0;
    while (*(*spool)->append(batch(quint64(appended) * 10 + 1, 10)))
        ++appended;
    QVERIFY(appended > 3);
    QVERIFY((*spool)->bytes() <= 4096);
    QVERIFY(QFile(path()).size() <= 4096 + 24);
    QCOMPARE((*spool)->samples(), appended * 10);
}

void tst_SampleSpool::compactsSentRecords()
{
    auto spool = SampleSpool::open(path(), 4096);
    int appended = 0;
    while (*(*spool)->append(batch(quint64(appended) * 10 + 1, 10)))
        ++appended;
    QVERIFY((*spool)->popFront().ok());
    QVERIFY((*spool)->popFront().ok());
    // Room again only once the sent records at the front are dropped from the file.
    QVERIFY(*(*spool)->append(batch(9001, 10)));
    QVERIFY(QFile(path()).size() <= 4096 + 24);
    QVERIFY(same(*(*spool)->front(), batch(21, 10)));
    spool = Result<std::unique_ptr<SampleSpool>>(Error {}); // releases the lock
    auto reopened = SampleSpool::open(path(), 4096);
    QCOMPARE((*reopened)->samples(), qint64(appended - 1) * 10);
}

void tst_SampleSpool::tornRecordIsCutOff()
{
    {
        auto spool = SampleSpool::open(path(), 1 << 20);
        QVERIFY(*(*spool)->append(batch(1, 10)));
        QVERIFY(*(*spool)->append(batch(11, 10)));
    }
    QFile file(path());
    QVERIFY(file.open(QIODevice::ReadWrite));
    QVERIFY(file.resize(file.size() - 7));
    file.close();
    auto spool = SampleSpool::open(path(), 1 << 20);
    QVERIFY(spool.ok());
    QCOMPARE((*spool)->samples(), 10);
    QVERIFY(same(*(*spool)->front(), batch(1, 10)));
    QVERIFY(*(*spool)->append(batch(11, 10))); // and appending continues after the cut
    QCOMPARE((*spool)->samples(), 20);
}

void tst_SampleSpool::foreignFileIsRefused()
{
    QFile file(path());
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("important notes that are not a spool\n");
    file.close();
    auto spool = SampleSpool::open(path(), 1 << 20);
    QVERIFY(!spool.ok());
    QVERIFY2(spool.error().contains(QLatin1String("not a Kodemon spool")), qPrintable(spool.error()));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("important notes that are not a spool\n"));
}

void tst_SampleSpool::secondOpenIsRefused()
{
    auto first = SampleSpool::open(path(), 1 << 20);
    QVERIFY(first.ok());
    auto second = SampleSpool::open(path(), 1 << 20);
    QVERIFY(!second.ok());
    QVERIFY2(second.error().contains(QLatin1String("another Kodemon")), qPrintable(second.error()));
}

void tst_SampleSpool::aMissingFolderIsMade()
{
    // A first start on a new machine: ~/.local/share/kodemon/ does not exist yet.
    const QString nested = m_dir->filePath(QStringLiteral("fresh-home/.local/share/kodemon/clickhouse-spool.bin"));
    auto spool = SampleSpool::open(nested, 1 << 20);
    QVERIFY2(spool.ok(), qPrintable(spool.ok() ? QString() : spool.error()));
    QVERIFY(QFile::exists(nested));
}

QTEST_GUILESS_MAIN(tst_SampleSpool)
#include "tst_samplespool.moc"
