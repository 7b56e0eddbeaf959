// SPDX-License-Identifier: MIT
// The engine over a real SQLite file and a clock the test moves: alerts per function and token, transitions in
// the database, a restart that resumes every alert, notifications once per firing, the rules file written by edits
// and read again when it changes on disk.
#include "alerts/alertengine.h"
#include "alerts/rulesfile.h"
#include "sqlite/sqlitestore.h"
#include "store/alerthistory.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;

class tst_AlertEngine : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void firesOnceAndResolvesOnce();
    void aRestartResumesEveryAlert();
    void anUnknownFunctionGetsItsAlertWhenItSends();
    void oneAlertPerFunctionAndToken();
    void noCallsAndErrorRate();
    void comparesWithTheSameWindowLastWeek();
    void mutedRulesAreRecordedButNotNotified();
    void editsAreWrittenToTheFileAndApplied();
    void aFileChangedOnDiskIsReadAgain();

private:
    std::unique_ptr<AlertEngine> engine(const QString& rules);
    void write(const QString& key, double from, double to, double ms, const QString& token = {}, int perSecond = 10,
        double failedShare = 0);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::shared_ptr<SqliteStore> m_store;
    std::unique_ptr<StoreWriter> m_writer;
    double m_now = 0;
};

namespace {

const QString Key = QStringLiteral("/srv/shop/views.py-checkout");
constexpr double Start = 1795608000;

QList<AlertTransition> history(Store& store)
{
    auto reader = store.createAlertHistory();
    AlertHistoryRequest request;
    request.limit = 1000;
    auto transitions = reader->read(request);
    return transitions ? *transitions : QList<AlertTransition>();
}

QString states(const QList<AlertTransition>& newestFirst)
{
    QStringList names;
    for (auto it = newestFirst.crbegin(); it != newestFirst.crend(); ++it)
        names.append(alertStateName(it->to));
    return names.join(u',');
}

} // namespace

void tst_AlertEngine::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_store = std::make_shared<SqliteStore>(m_dir->filePath(QStringLiteral("k.sqlite")));
    QVERIFY(m_store->open().ok());
    m_writer = m_store->createWriter();
    m_now = Start;
}

std::unique_ptr<AlertEngine> tst_AlertEngine::engine(const QString& rules)
{
    const QString path = m_dir->filePath(QStringLiteral("alerts.conf"));
    QFile file(path);
    if (!rules.isNull()) {
        if (!file.open(QIODevice::WriteOnly))
            return nullptr;
        file.write(rules.toUtf8());
        file.close();
    }
    auto document = loadRulesFile(path);
    if (!document) {
        qWarning("%s", qPrintable(document.error()));
        return nullptr;
    }
    AlertEngine::Options options;
    options.rulesPath = path;
    options.rules = *document;
    options.link = QStringLiteral("http://127.0.0.1:4000/");
    options.clock = [this] { return m_now; };
    return std::make_unique<AlertEngine>(m_store, options);
}

void tst_AlertEngine::write(const QString& key, double from, double to, double ms, const QString& token, int perSecond,
    double failedShare)
{
    QList<Sample> batch;
    int n = 0;
    for (double t = from; t <= to; t += 1) {
        for (int i = 0; i < perSecond; ++i, ++n) {
            const bool failed = failedShare > 0 && (n % int(1 / failedShare)) == 0;
            batch.append({ token, key, t, ms, qint64(t), failed ? QByteArray("{\"error\":\"Timeout\"}") : QByteArray() });
        }
    }
    QVERIFY(m_writer->write(batch).ok());
}

void tst_AlertEngine::firesOnceAndResolvesOnce()
{
    auto alerts = engine(QStringLiteral("[slow]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 10s\nfor = 30s\n"
                                        "keep_firing_for = 20s\n").arg(Key));
    QVERIFY(alerts);
    QSignalSpy fired(alerts.get(), &AlertEngine::fired);
    write(Key, Start - 60, Start, 10);
    alerts->start();
    QCOMPARE(alerts->snapshot().rules.size(), 1);
    QCOMPARE(alerts->snapshot().rules[0].instances.size(), 1);
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Ok);
    QCOMPARE(*alerts->snapshot().rules[0].instances[0].value, 10.0);

    // The function slows down: 40 ms from Start+1 on, evaluated every 5 s.
    write(Key, Start + 1, Start + 120, 40);
    QList<double> firedAt;
    for (m_now = Start + 5; m_now <= Start + 120; m_now += 5) {
        alerts->evaluate();
        if (!fired.isEmpty() && firedAt.isEmpty())
            firedAt.append(m_now);
    }
    // Pending at the first evaluation whose window's p95 is 40 ms (Start+5), firing `for` (30 s) later.
    QCOMPARE(firedAt, QList<double>({ Start + 35 }));
    QCOMPARE(fired.size(), 1);
    const auto firing = fired[0][0].value<AlertEvent>();
    QCOMPARE(firing.notice, AlertNotice::Firing);
    QCOMPARE(*firing.transition.value, 40.0);
    QVERIFY(firing.link.startsWith(QStringLiteral("http://127.0.0.1:4000/#key=")));

    // It recovers: 10 ms again; resolved once keep_firing_for (20 s) passed after the window cleared.
    write(Key, Start + 121, Start + 240, 10);
    for (; m_now <= Start + 240; m_now += 5)
        alerts->evaluate();
    QCOMPARE(fired.size(), 2);
    QCOMPARE(fired[1][0].value<AlertEvent>().notice, AlertNotice::Resolved);
    const auto stored = history(*m_store);
    QCOMPARE(states(stored), QStringLiteral("pending,firing,resolving,resolved"));
    QCOMPARE(stored[0].time - stored[1].time, 20.0); // resolving -> resolved: keep_firing_for
    QCOMPARE(stored[2].time - stored[3].time, 30.0); // pending -> firing: for
    QCOMPARE(*stored[3].value, 40.0);
    QCOMPARE(*stored[3].threshold, 25.0);
    QCOMPARE(stored[3].condition, QStringLiteral("p95 > 25 ms"));
    QCOMPARE(alerts->snapshot().rules[0].recent.size(), 4);
}

void tst_AlertEngine::aRestartResumesEveryAlert()
{
    const QString rules = QStringLiteral("[slow]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 10s\n").arg(Key);
    write(Key, Start - 20, Start + 60, 40);
    {
        auto alerts = engine(rules);
        QSignalSpy fired(alerts.get(), &AlertEngine::fired);
        alerts->start();
        QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Firing);
        QCOMPARE(fired.size(), 1);
    }
    m_now += 30;
    auto again = engine(QString());
    QSignalSpy fired(again.get(), &AlertEngine::fired);
    again->start();
    // Still firing, and said so only once: no second notification after the restart.
    QCOMPARE(again->snapshot().rules[0].state(), AlertState::Firing);
    QCOMPARE(again->snapshot().rules[0].instances[0].since, Start);
    QCOMPARE(again->snapshot().rules[0].recent.size(), 1);
    QCOMPARE(fired.size(), 0);
    QCOMPARE(history(*m_store).size(), 1);
}

void tst_AlertEngine::anUnknownFunctionGetsItsAlertWhenItSends()
{
    auto alerts = engine(QStringLiteral("[later]\nfunction = /srv/new.py-f\nwhen = max > 1 s\nwindow = 1m\n"));
    alerts->start();
    QCOMPARE(alerts->snapshot().rules[0].instances.size(), 0);
    write(QStringLiteral("/srv/new.py-f"), Start - 10, Start, 2500);
    alerts->evaluate();
    QCOMPARE(alerts->snapshot().rules[0].instances.size(), 1);
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Firing);
}

void tst_AlertEngine::oneAlertPerFunctionAndToken()
{
    write(QStringLiteral("/srv/api/a.py-f"), Start - 30, Start, 50, QStringLiteral("shop"));
    write(QStringLiteral("/srv/api/a.py-f"), Start - 30, Start, 5, QStringLiteral("blog"));
    write(QStringLiteral("/srv/api/b.py-g"), Start - 30, Start, 50, QStringLiteral("shop"));
    write(QStringLiteral("/srv/other.py-h"), Start - 30, Start, 50, QStringLiteral("shop"));
    auto alerts = engine(QStringLiteral("[api]\nfunctions = /srv/api/*\nwhen = mean > 20 ms\nwindow = 1m\n\n"
                                        "[shop only]\nfunctions = /srv/api/*\ntoken = blog\nwhen = mean > 1 ms\n"));
    alerts->start();
    const auto& api = alerts->snapshot().rules[0];
    QCOMPARE(api.instances.size(), 3);
    QStringList seen;
    for (const auto& instance : api.instances)
        seen.append(instance.series.key + u'/' + instance.series.token + u'=' + alertStateName(instance.state));
    QCOMPARE(seen, QStringList({ QStringLiteral("/srv/api/a.py-f/blog=ok"), QStringLiteral("/srv/api/a.py-f/shop=firing"),
                       QStringLiteral("/srv/api/b.py-g/shop=firing") }));
    QCOMPARE(alerts->snapshot().rules[1].instances.size(), 1);
    QCOMPARE(alerts->snapshot().rules[1].instances[0].series.token, QStringLiteral("blog"));
    QCOMPARE(alerts->snapshot().firingCount(), 3);
}

void tst_AlertEngine::noCallsAndErrorRate()
{
    write(Key, Start - 120, Start, 10, {}, 10, 0.1);
    auto alerts = engine(QStringLiteral("[silent]\nfunction = %1\nwhen = no calls\nwindow = 1m\n\n"
                                        "[failing]\nfunction = %1\nwhen = error rate > 5%\nwindow = 1m\n\n"
                                        "[failing a lot]\nfunction = %1\nwhen = error rate > 20%\nwindow = 1m\n")
                             .arg(Key));
    alerts->start();
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Ok);
    QCOMPARE(alerts->snapshot().rules[1].state(), AlertState::Firing);
    QCOMPARE(*alerts->snapshot().rules[1].instances[0].value, 10.0);
    QCOMPARE(alerts->snapshot().rules[2].state(), AlertState::Ok);
    // The sender stops: a minute later the window is empty.
    m_now = Start + 59;
    alerts->evaluate();
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Ok);
    m_now = Start + 61;
    alerts->evaluate();
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Firing);
    // An error rate of no calls has no value: the condition no longer holds and the alert resolves.
    QCOMPARE(alerts->snapshot().rules[1].state(), AlertState::Resolved);
    write(Key, Start + 62, Start + 62, 10);
    m_now = Start + 63;
    alerts->evaluate();
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Resolved);
}

void tst_AlertEngine::comparesWithTheSameWindowLastWeek()
{
    constexpr double Week = 7 * 86400;
    write(Key, Start - Week - 600, Start - Week, 10);
    write(Key, Start - 600, Start, 14);
    auto alerts = engine(QStringLiteral("[slower]\nfunction = %1\nwhen = p95 30% above baseline\nbaseline = -1w\n"
                                        "window = 5m\n\n[much slower]\nfunction = %1\nwhen = p95 50% above baseline\n"
                                        "baseline = -1w\nwindow = 5m\n")
                             .arg(Key));
    alerts->start();
    const auto& slower = alerts->snapshot().rules[0];
    QCOMPARE(slower.state(), AlertState::Firing);
    QCOMPARE(*slower.instances[0].value, 14.0);
    QCOMPARE(*slower.instances[0].threshold, 13.0);
    QCOMPARE(alerts->snapshot().rules[1].state(), AlertState::Ok);
    QCOMPARE(*alerts->snapshot().rules[1].instances[0].threshold, 15.0);
}

void tst_AlertEngine::mutedRulesAreRecordedButNotNotified()
{
    write(Key, Start - 20, Start, 40);
    auto alerts = engine(QStringLiteral("[quiet]\nfunction = %1\nwhen = p95 > 25 ms\nwindow = 10s\nmuted = yes\n").arg(Key));
    QSignalSpy fired(alerts.get(), &AlertEngine::fired);
    alerts->start();
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Firing);
    QCOMPARE(fired.size(), 0);
    QCOMPARE(history(*m_store).size(), 1);
}

void tst_AlertEngine::editsAreWrittenToTheFileAndApplied()
{
    write(Key, Start - 20, Start, 40);
    auto alerts = engine(QStringLiteral("# mine\n[slow]\nfunction = %1\nwhen = p95 > 50 ms\nwindow = 10s\n").arg(Key));
    QSignalSpy finished(alerts.get(), &AlertEngine::editFinished);
    alerts->start();
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Ok);

    AlertRule rule = alerts->snapshot().rules[0].rule;
    rule.condition.threshold = 30;
    alerts->saveRule(QStringLiteral("slow"), rule);
    QCOMPARE(finished.size(), 1);
    QCOMPARE(finished[0][0].toString(), QString());
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Firing); // evaluated at once
    QFile file(m_dir->filePath(QStringLiteral("alerts.conf")));
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(),
        QStringLiteral("# mine\n[slow]\nfunction = %1\nwhen = p95 > 30 ms\nwindow = 10s\n").arg(Key).toUtf8());
    file.close();

    alerts->setMuted(QStringLiteral("slow"), true);
    QVERIFY(alerts->snapshot().rules[0].rule.muted);
    rule.name = QStringLiteral("second");
    alerts->saveRule(QString(), rule);
    QCOMPARE(alerts->snapshot().rules.size(), 2);
    alerts->deleteRule(QStringLiteral("slow"));
    QCOMPARE(alerts->snapshot().rules.size(), 1);
    QCOMPARE(alerts->snapshot().rules[0].rule.name, QStringLiteral("second"));
    alerts->deleteRule(QStringLiteral("slow"));
    QVERIFY(finished.last()[0].toString().contains(QStringLiteral("no rule called \"slow\"")));
    QCOMPARE(loadRulesFile(file.fileName())->rules().rules.size(), 1);
}

void tst_AlertEngine::aFileChangedOnDiskIsReadAgain()
{
    write(Key, Start - 20, Start, 40);
    auto alerts = engine(QStringLiteral("[slow]\nfunction = %1\nwhen = p95 > 50 ms\nwindow = 10s\n").arg(Key));
    QSignalSpy evaluated(alerts.get(), &AlertEngine::evaluated);
    alerts->start();
    const QString path = m_dir->filePath(QStringLiteral("alerts.conf"));
    const auto rewrite = [&](const QString& text) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        file.write(text.toUtf8());
    };
    rewrite(QStringLiteral("[slow]\nfunction = %1\nwhen = p95 > 20 ms\nwindow = 10s\n\n[more]\nfunction = %1\n"
                           "when = max > 1 ms\n")
                .arg(Key));
    QTRY_COMPARE_WITH_TIMEOUT(alerts->snapshot().rules.size(), 2, 5000);
    QCOMPARE(alerts->snapshot().rules[0].state(), AlertState::Firing);
    // A mistake: the rules before stay in force, and the snapshot says why.
    rewrite(QStringLiteral("[slow]\nfunction = %1\nwhen = p95 > twenty\n").arg(Key));
    QTRY_VERIFY_WITH_TIMEOUT(!alerts->snapshot().rulesError.isEmpty(), 5000);
    QVERIFY(alerts->snapshot().rulesError.contains(QStringLiteral("line 3: ")));
    QCOMPARE(alerts->snapshot().rules.size(), 2);
    rewrite(QStringLiteral("[slow]\nfunction = %1\nwhen = p95 > 20 ms\n").arg(Key));
    QTRY_VERIFY_WITH_TIMEOUT(alerts->snapshot().rulesError.isEmpty(), 5000);
    QCOMPARE(alerts->snapshot().rules.size(), 1);
}

QTEST_GUILESS_MAIN(tst_AlertEngine)
#include "tst_alertengine.moc"
