// SPDX-License-Identifier: MIT
// CSV export off the UI thread: the API's columns, the selected keys and range only, and cancelling leaves no file.
#include "csvexporter.h"
#include "viewerfixture.h"

#include <QFile>
#include <QSignalSpy>
#include <QtTest>

using namespace Kodemon;
using Kodemon::Test::ViewerFixture;

namespace {
const QString Fetch = QStringLiteral("/srv/app/views.py-fetch_latest");
const QString Checkout = QStringLiteral("/srv/app/views.py-checkout, with \"quotes\"");
const QString Ignored = QStringLiteral("/srv/app/other.py-ignored");
} // namespace

class tst_CsvExporter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void writesTheSelectedKeysInRange();
    void cancellingLeavesNoFile();
    void largeExportsReportProgress();
    void reportsAnUnwritablePath();

private:
    QList<QByteArray> exportLines(const CsvExporter::Request& request, QString* error = nullptr);

    ViewerFixture m_fixture;
};

void tst_CsvExporter::initTestCase()
{
    QVERIFY(m_fixture.isValid());
    QList<Sample> samples;
    for (int i = 0; i < 100; ++i) {
        samples.append(ViewerFixture::sample(Fetch, QStringLiteral("shop"), 1000 + i, 1.5 + i));
        samples.append(ViewerFixture::sample(Checkout, QStringLiteral("shop"), 1000 + i, 20));
        samples.append(ViewerFixture::sample(Ignored, QStringLiteral("shop"), 1000 + i, 3));
    }
    // Enough rows for several pages, to cancel in the middle.
    for (int i = 0; i < 200000; ++i)
        samples.append(ViewerFixture::sample(QStringLiteral("big"), {}, 5000 + i * 0.01, 1));
    QVERIFY(m_fixture.write(samples));
}

QList<QByteArray> tst_CsvExporter::exportLines(const CsvExporter::Request& request, QString* error)
{
    CsvExporter exporter;
    exporter.setStore(m_fixture.store);
    QSignalSpy finished(&exporter, &CsvExporter::finished);
    if (!exporter.start(request))
        return {};
    if (!finished.wait(30000))
        return {};
    if (error)
        *error = finished.at(0).at(1).toString();
    QFile file(request.path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    QList<QByteArray> lines = file.readAll().split('\n');
    if (!lines.isEmpty() && lines.last().isEmpty())
        lines.removeLast();
    return lines;
}

void tst_CsvExporter::writesTheSelectedKeysInRange()
{
    const QString path = m_fixture.filePath(QStringLiteral("two.csv"));
    QString error;
    const auto lines
        = exportLines({ path, { KeyId { QStringLiteral("shop"), Fetch }, KeyId { QStringLiteral("shop"), Checkout } },
                          TimeRange { 1010, 1019 } },
            &error);
    QCOMPARE(error, QString());
    QCOMPARE(lines.size(), 1 + 10 + 10);
    QCOMPARE(lines.at(0), QByteArray("timestamp,token,key,execution_time_ms,extra\r"));
    QCOMPARE(lines.at(1), QByteArray("1010,shop,/srv/app/views.py-fetch_latest,11.5,\r"));
    QCOMPARE(lines.at(10), QByteArray("1019,shop,/srv/app/views.py-fetch_latest,20.5,\r"));
    QCOMPARE(lines.at(11), QByteArray("1010,shop,\"/srv/app/views.py-checkout, with \"\"quotes\"\"\",20,\r"));
    for (const auto& line : lines)
        QVERIFY(!line.contains("ignored"));
}

void tst_CsvExporter::cancellingLeavesNoFile()
{
    const QString path = m_fixture.filePath(QStringLiteral("cancelled.csv"));
    CsvExporter exporter;
    exporter.setStore(m_fixture.store);
    QSignalSpy finished(&exporter, &CsvExporter::finished);
    const CsvExporter::Request request { path, { KeyId { QString(), QStringLiteral("big") } }, TimeRange {} };
    QVERIFY(exporter.start(request));
    QVERIFY(exporter.isRunning());
    QVERIFY(!exporter.start(request)); // one at a time
    exporter.cancel(); // seen at the first page at the latest
    QVERIFY(finished.wait(30000));
    QVERIFY(!finished.at(0).at(1).toString().isEmpty());
    QVERIFY(finished.at(0).at(0).toLongLong() < 200000);
    QVERIFY(!QFile::exists(path));
    QVERIFY(!exporter.isRunning());
}

void tst_CsvExporter::largeExportsReportProgress()
{
    const QString path = m_fixture.filePath(QStringLiteral("big.csv"));
    CsvExporter exporter;
    exporter.setStore(m_fixture.store);
    QSignalSpy progress(&exporter, &CsvExporter::progress);
    QSignalSpy finished(&exporter, &CsvExporter::finished);
    QVERIFY(exporter.start({ path, { KeyId { QString(), QStringLiteral("big") } }, TimeRange {} }));
    QVERIFY(finished.wait(60000));
    QCOMPARE(finished.at(0).at(0).toLongLong(), 200000);
    QVERIFY(progress.size() >= 5); // a page at a time
    QCOMPARE(progress.last().at(0).toInt(), 1000);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll().count('\n'), 200001);
}

void tst_CsvExporter::reportsAnUnwritablePath()
{
    QString error;
    exportLines(
        { QStringLiteral("/nonexistent-folder/x.csv"), { KeyId { QStringLiteral("shop"), Fetch } }, TimeRange {} },
        &error);
    QVERIFY(!error.isEmpty());
}

QTEST_GUILESS_MAIN(tst_CsvExporter)
#include "tst_csvexporter.moc"
