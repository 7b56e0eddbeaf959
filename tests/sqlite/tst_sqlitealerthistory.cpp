// SPDX-License-Identifier: MIT
// The alerts' history in a real SQLite file: stored with values, read newest first and by rule, function and time,
// the last state of every alert, bounded, and added to a version 5 file without touching its calls.
#include "sqlite/schema.h"
#include "sqlite/sqlitealerthistory.h"
#include "sqlite/sqliteconnection.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"

#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_SqliteAlertHistory : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storesAndReadsTransitions();
    void readsByRuleFunctionAndTime();
    void latestIsTheLastStateOfEveryAlert();
    void survivesReopening();
    void upgradesAVersion6File();
    void emptyAppendWritesNothing();
};

namespace {

AlertTransition transition(double time, const QString& rule, const QString& key, AlertState from, AlertState to,
    std::optional<double> value = 30.0, const QString& token = QStringLiteral("shop"))
{
    return { time, rule, { token, key }, from, to, value, 25.0, QStringLiteral("p95 > 25 ms") };
}

} // namespace

void tst_SqliteAlertHistory::storesAndReadsTransitions()
{
    QTemporaryDir dir;
    SqliteStore store(dir.filePath(QStringLiteral("k.sqlite")));
    QVERIFY(store.open().ok());
    auto history = store.createAlertHistory();
    QVERIFY(history);
    const QList<AlertTransition> written {
        transition(100, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Ok, AlertState::Pending),
        transition(130, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Pending, AlertState::Firing, 41.5),
        transition(200, QStringLiteral("quiet"), QStringLiteral("/b.py-g"), AlertState::Ok, AlertState::Firing,
            std::nullopt, QString()),
    };
    QVERIFY(history->append(written).ok());
    const auto read = history->read({});
    QVERIFY(read.ok());
    QCOMPARE(read->size(), 3);
    QCOMPARE(read->at(0), written[2]); // newest first; no value and no token survive as such
    QCOMPARE(read->at(1), written[1]);
    QCOMPARE(read->at(2), written[0]);
    QVERIFY(!read->at(0).value);
    QCOMPARE(read->at(0).series.token, QString());
}

void tst_SqliteAlertHistory::readsByRuleFunctionAndTime()
{
    QTemporaryDir dir;
    SqliteStore store(dir.filePath(QStringLiteral("k.sqlite")));
    QVERIFY(store.open().ok());
    auto history = store.createAlertHistory();
    QList<AlertTransition> written;
    for (int i = 0; i < 30; ++i)
        written.append(transition(1000 + i, i % 3 ? QStringLiteral("slow") : QStringLiteral("errors"),
            i % 2 ? QStringLiteral("/a.py-f") : QStringLiteral("/b.py-g"), AlertState::Ok, AlertState::Pending));
    QVERIFY(history->append(written).ok());
    AlertHistoryRequest request;
    request.rule = QStringLiteral("errors");
    QCOMPARE(history->read(request)->size(), 10);
    request.series = KeyId { QStringLiteral("shop"), QStringLiteral("/a.py-f") };
    QCOMPARE(history->read(request)->size(), 5);
    request.series = KeyId { QStringLiteral("other"), QStringLiteral("/a.py-f") };
    QCOMPARE(history->read(request)->size(), 0);
    AlertHistoryRequest range;
    range.range = TimeRange { 1010, 1019 };
    range.limit = 4;
    const auto limited = history->read(range);
    QCOMPARE(limited->size(), 4);
    QCOMPARE(limited->at(0).time, 1019.0);
    QCOMPARE(limited->at(3).time, 1016.0);
}

void tst_SqliteAlertHistory::latestIsTheLastStateOfEveryAlert()
{
    QTemporaryDir dir;
    SqliteStore store(dir.filePath(QStringLiteral("k.sqlite")));
    QVERIFY(store.open().ok());
    auto history = store.createAlertHistory();
    QVERIFY(history->append({
                        transition(1, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Ok, AlertState::Pending),
                        transition(2, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Pending, AlertState::Firing),
                        transition(3, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Pending, AlertState::Firing,
                            30, QStringLiteral("blog")),
                        transition(4, QStringLiteral("other"), QStringLiteral("/a.py-f"), AlertState::Ok, AlertState::Firing),
                    })
                .ok());
    QVERIFY(history->append({ transition(5, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Firing,
                                AlertState::Resolving) })
                .ok());
    const auto latest = history->latest();
    QVERIFY(latest.ok());
    QCOMPARE(latest->size(), 3);
    QStringList seen;
    for (const auto& last : *latest)
        seen.append(QStringLiteral("%1/%2=%3").arg(last.rule, last.series.token, alertStateName(last.to)));
    seen.sort();
    QCOMPARE(seen, QStringList({ QStringLiteral("other/shop=firing"), QStringLiteral("slow/blog=firing"),
                       QStringLiteral("slow/shop=resolving") }));
}

void tst_SqliteAlertHistory::survivesReopening()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("k.sqlite"));
    {
        SqliteStore store(path);
        QVERIFY(store.open().ok());
        QVERIFY(store.createAlertHistory()
                    ->append({ transition(7, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Ok,
                        AlertState::Firing) })
                    .ok());
    }
    SqliteStore store(path);
    QVERIFY(store.open().ok());
    const auto read = store.createAlertHistory()->read({});
    QCOMPARE(read->size(), 1);
    QCOMPARE(read->at(0).time, 7.0);
}

void tst_SqliteAlertHistory::upgradesAVersion6File()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("k.sqlite"));
    const auto version = [&] {
        auto connection = SqliteConnection::open(path);
        return (*connection)->scalar(QStringLiteral("PRAGMA user_version"))->toInt();
    };
    {
        auto connection = SqliteConnection::open(path);
        QVERIFY(connection.ok());
        QVERIFY(Schema::migrateTo(**connection, 6).ok());
    }
    {
        // A call stored while the file was at version 6 (the writer writes tables that version already has).
        SqliteStore old(path);
        QVERIFY(old.createWriter()->write({ { QString(), QStringLiteral("/a.py-f"), 5, 1.5, 5, {} } }).ok());
    }
    QCOMPARE(version(), 6);
    SqliteStore store(path);
    QVERIFY(store.open().ok());
    QCOMPARE(version(), Schema::CurrentVersion); // 7 and every later additive step
    QVERIFY(store.createAlertHistory()
                ->append({ transition(7, QStringLiteral("slow"), QStringLiteral("/a.py-f"), AlertState::Ok,
                    AlertState::Firing) })
                .ok());
    Query query(store.createReader());
    const auto keys = query.keys();
    QCOMPARE(keys->size(), 1);
    QCOMPARE(keys->at(0).count, 1);
    QCOMPARE(store.createAlertHistory()->read({})->size(), 1);
}

void tst_SqliteAlertHistory::emptyAppendWritesNothing()
{
    QTemporaryDir dir;
    SqliteStore store(dir.filePath(QStringLiteral("k.sqlite")));
    QVERIFY(store.open().ok());
    auto history = store.createAlertHistory();
    QVERIFY(history->append({}).ok());
    QVERIFY(history->read({})->isEmpty());
    QVERIFY(history->latest()->isEmpty());
}

QTEST_GUILESS_MAIN(tst_SqliteAlertHistory)
#include "tst_sqlitealerthistory.moc"
