// SPDX-License-Identifier: MIT
// The alerts' acceptance, end to end: the real `kodemon --headless` with a rules file, calls over real UDP as the
// decorator sends them, a real HTTP receiver for the webhooks, and a restart. Durations are the scaled
// down (for 3 s instead of 30 s, evaluations every 0.5 s), so that the suite stays fast; the semantics are the
// same at any scale.
#include "kodemonprocess.h"
#include "testdata.h"
#include "webhookreceiver.h"

#include <QDateTime>
#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTemporaryDir>
#include <QThread>
#include <QTimer>
#include <QtTest>
#include <QUdpSocket>

using namespace Kodemon;
using Answer = Test::WebhookReceiver::Answer;

class tst_Alerts : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void slowFunctionFiresOnceResolvesOnceAndSurvivesARestart();
    void silenceFiresAndCallsResolve();
    void errorRateFiresAtTenPercentFailures();
    void aHungWebhookNeverSlowsIngest();
    void malformedRulesAreRefusedWithTheLine_data();
    void malformedRulesAreRefusedWithTheLine();
    void aScopedApiTokenSeesOnlyItsAlerts();

private:
    bool start(const QString& rules, const QStringList& extra = {});
    QJsonObject alerts(const QByteArray& query = "history=50", const QByteArray& token = {});
    QJsonObject rule(const QString& name);

    std::unique_ptr<QTemporaryDir> m_dir;
    std::unique_ptr<Test::WebhookReceiver> m_receiver;
    std::unique_ptr<Test::KodemonProcess> m_kodemon;
};

namespace {

const QString Checkout = QStringLiteral("/srv/shop/views.py-checkout");
constexpr double Period = 0.5; // interval
constexpr double For = 3; // for and keep_firing_for
constexpr double Window = 2;

double now()
{
    return double(QDateTime::currentMSecsSinceEpoch()) / 1000.0;
}

// Sends calls at a steady rate from the event loop (the webhook receiver shares it), as a service would:
// `perSecond` of them, `milliseconds` long, every `failEvery`-th one failed.
class CallSender final : public QObject
{
public:
    CallSender(quint16 port, QString key, int perSecond)
        : m_port(port)
        , m_key(std::move(key))
        , m_perTick(std::max(1, perSecond / 100))
    {
        m_timer.setInterval(10);
        m_timer.setTimerType(Qt::PreciseTimer);
        QObject::connect(&m_timer, &QTimer::timeout, this, [this] { tick(); });
    }
    void start() { m_timer.start(); }
    void stop() { m_timer.stop(); }
    double milliseconds = 10;
    int failEvery = 0;
    qint64 sent = 0;

private:
    void tick()
    {
        for (int i = 0; i < m_perTick; ++i) {
            QByteArray datagram = Test::decoratorDatagram(m_key, milliseconds, QDateTime::currentSecsSinceEpoch(),
                QStringLiteral("shop"));
            if (failEvery > 0 && sent % failEvery == 0)
                datagram.replace("\"token\"", "\"error\": \"ValueError\", \"token\"");
            m_socket.writeDatagram(datagram, QHostAddress::LocalHost, m_port);
            ++sent;
        }
    }

    QUdpSocket m_socket;
    QTimer m_timer;
    quint16 m_port;
    QString m_key;
    int m_perTick;
};

// Spins the event loop for `seconds` (the sender and the receiver keep working).
void run(double seconds)
{
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < qint64(seconds * 1000))
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
}

QList<QJsonObject> states(const QJsonObject& rule)
{
    QList<QJsonObject> history;
    for (const auto& transition : rule.value(QLatin1String("history")).toArray())
        history.prepend(transition.toObject()); // oldest first
    return history;
}

QString names(const QList<QJsonObject>& history)
{
    QStringList names;
    for (const auto& transition : history)
        names.append(transition.value(QLatin1String("to")).toString());
    return names.join(u',');
}

} // namespace

void tst_Alerts::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    m_receiver = std::make_unique<Test::WebhookReceiver>();
    QVERIFY(m_receiver->listen());
}

void tst_Alerts::cleanup()
{
    if (m_kodemon)
        QCOMPARE(m_kodemon->terminate(), 0);
    m_kodemon.reset();
    m_receiver.reset();
    m_dir.reset();
}

bool tst_Alerts::start(const QString& rules, const QStringList& extra)
{
    const QString path = m_dir->filePath(QStringLiteral("alerts.conf"));
    QFile file(path);
    if (!rules.isNull()) {
        if (!file.open(QIODevice::WriteOnly))
            return false;
        file.write(rules.toUtf8());
        file.close();
    }
    m_kodemon = std::make_unique<Test::KodemonProcess>(QStringList { QStringLiteral("--alerts"), path,
                                                           QStringLiteral("--db"), m_dir->filePath(QStringLiteral("k.sqlite")) }
        + extra);
    const bool started = m_kodemon->start();
    if (!started)
        qWarning("%s", qPrintable(m_kodemon->output()));
    return started;
}

QJsonObject tst_Alerts::alerts(const QByteArray& query, const QByteArray& token)
{
    QNetworkAccessManager network;
    QNetworkRequest request(QUrl(m_kodemon->baseUrl() + QStringLiteral("/api/alerts?") + QString::fromLatin1(query)));
    if (!token.isEmpty())
        request.setRawHeader("Authorization", "Bearer " + token);
    std::unique_ptr<QNetworkReply> reply(network.get(request));
    QSignalSpy finished(reply.get(), &QNetworkReply::finished);
    finished.wait(10000);
    return QJsonDocument::fromJson(reply->readAll()).object();
}

QJsonObject tst_Alerts::rule(const QString& name)
{
    for (const auto& rule : alerts().value(QLatin1String("rules")).toArray()) {
        if (rule.toObject().value(QLatin1String("name")).toString() == name)
            return rule.toObject();
    }
    return {};
}

void tst_Alerts::slowFunctionFiresOnceResolvesOnceAndSurvivesARestart()
{
    const QString rules = QStringLiteral("interval = 0.5s\nwebhook = %1\n\n[checkout slow]\nfunction = %2\n"
                                         "when = p95 > 25 ms\nwindow = 2s\nfor = 3s\nkeep_firing_for = 3s\n")
                              .arg(m_receiver->url(), Checkout);
    QVERIFY(start(rules));
    CallSender sender(m_kodemon->udpPort(), Checkout, 400);
    sender.start();
    run(Window + 1.5);
    QCOMPARE(rule(QStringLiteral("checkout slow")).value(QLatin1String("state")).toString(), QStringLiteral("ok"));
    QCOMPARE(m_receiver->requests().size(), 0);

    // p95 rises from 10 ms to 40 ms.
    sender.milliseconds = 40;
    const double slowSince = now();
    QVERIFY(m_receiver->waitFor(1, 20000));
    const double firedAfter = now() - slowSince;
    qInfo("fired %.2f s after the calls became slow (for %.1f s, evaluated every %.1f s)", firedAfter, For, Period);
    // Within `for` plus one evaluation (and the moment the 5% slow calls take to lift the window's p95).
    QVERIFY2(firedAfter >= For && firedAfter <= For + Period + 0.5, qPrintable(QString::number(firedAfter)));
    const QJsonObject firing = m_receiver->requests().constFirst().json();
    QCOMPARE(firing.value(QLatin1String("state")).toString(), QStringLiteral("firing"));
    QCOMPARE(firing.value(QLatin1String("function")).toString(), Checkout);
    QCOMPARE(firing.value(QLatin1String("value")).toDouble(), 40.0);
    QCOMPARE(firing.value(QLatin1String("threshold")).toDouble(), 25.0);
    QVERIFY(firing.value(QLatin1String("text")).toString().startsWith(QStringLiteral("FIRING: checkout slow: p95 40 ms")));
    QVERIFY(firing.value(QLatin1String("link")).toString().startsWith(m_kodemon->baseUrl() + QStringLiteral("/#key=")));

    // Still slow: no second notification while it fires.
    run(3);
    QCOMPARE(m_receiver->requests().size(), 1);

    // It recovers: resolved once the window is clear plus keep_firing_for, notified once more.
    sender.milliseconds = 10;
    const double fastSince = now();
    QVERIFY(m_receiver->waitFor(2, 20000));
    const double resolvedAfter = now() - fastSince;
    qInfo("resolved %.2f s after the calls became fast again (window %.0f s, keep_firing_for %.1f s)", resolvedAfter,
        Window, For);
    QVERIFY2(resolvedAfter >= For && resolvedAfter <= Window + 1 + For + Period + 0.5,
        qPrintable(QString::number(resolvedAfter)));
    QCOMPARE(m_receiver->requests()[1].json().value(QLatin1String("state")).toString(), QStringLiteral("resolved"));
    run(2);
    sender.stop();
    QCOMPARE(m_receiver->requests().size(), 2);

    const QJsonObject slow = rule(QStringLiteral("checkout slow"));
    const auto history = states(slow);
    QCOMPARE(names(history), QStringLiteral("pending,firing,resolving,resolved"));
    const double pendingToFiring
        = history[1].value(QLatin1String("time")).toDouble() - history[0].value(QLatin1String("time")).toDouble();
    QVERIFY2(pendingToFiring >= For && pendingToFiring <= For + Period + 0.25, qPrintable(QString::number(pendingToFiring)));
    QCOMPARE(history[1].value(QLatin1String("value")).toDouble(), 40.0);
    QCOMPARE(history[3].value(QLatin1String("value")).toDouble(), 10.0);

    // The history survives a restart on the same database, and the resolved alert is not notified again.
    QCOMPARE(m_kodemon->terminate(), 0);
    QVERIFY(start(QString()));
    // The first evaluation after the start publishes the rules with their stored history.
    QTRY_COMPARE(names(states(rule(QStringLiteral("checkout slow")))), QStringLiteral("pending,firing,resolving,resolved"));
    QTRY_COMPARE(rule(QStringLiteral("checkout slow")).value(QLatin1String("alerts")).toArray().at(0).toObject()
                     .value(QLatin1String("state")).toString(),
        QStringLiteral("resolved"));
    run(1.5);
    QCOMPARE(m_receiver->requests().size(), 2);
}

void tst_Alerts::silenceFiresAndCallsResolve()
{
    QVERIFY(start(QStringLiteral("interval = 0.5s\nwebhook = %1\n\n[checkout silent]\nfunction = %2\nwhen = no calls\n"
                                 "window = 2s\n")
                      .arg(m_receiver->url(), Checkout)));
    CallSender sender(m_kodemon->udpPort(), Checkout, 100);
    sender.start();
    run(2);
    QCOMPARE(m_receiver->requests().size(), 0);
    sender.stop();
    const double stopped = now();
    QVERIFY(m_receiver->waitFor(1, 15000));
    const double firedAfter = now() - stopped;
    qInfo("no calls: fired %.2f s after the sender stopped (window 2 s, whole-second timestamps)", firedAfter);
    // Calls carry whole seconds: the last one's second leaves the window 1 to 2 s after it was sent.
    QVERIFY2(firedAfter >= Window - 1 && firedAfter <= Window + Period + 0.5, qPrintable(QString::number(firedAfter)));
    QCOMPARE(m_receiver->requests()[0].json().value(QLatin1String("state")).toString(), QStringLiteral("firing"));
    QVERIFY(m_receiver->requests()[0].json().value(QLatin1String("text")).toString().contains(QStringLiteral("no calls in the last 2s")));
    sender.start();
    QVERIFY(m_receiver->waitFor(2, 10000));
    QCOMPARE(m_receiver->requests()[1].json().value(QLatin1String("state")).toString(), QStringLiteral("resolved"));
    sender.stop();
}

void tst_Alerts::errorRateFiresAtTenPercentFailures()
{
    const QString flaky = QStringLiteral("/srv/shop/payments.py-charge");
    const QString fine = QStringLiteral("/srv/shop/payments.py-refund");
    QVERIFY(start(QStringLiteral("interval = 0.5s\nwebhook = %1\n\n[failing]\nfunctions = /srv/shop/payments.py-*\n"
                                 "when = error rate > 5%\nwindow = 2s\n")
                      .arg(m_receiver->url())));
    CallSender failing(m_kodemon->udpPort(), flaky, 200);
    failing.failEvery = 10; // 10% of the calls raise
    CallSender healthy(m_kodemon->udpPort(), fine, 200);
    healthy.failEvery = 50; // 2%
    failing.start();
    healthy.start();
    QVERIFY(m_receiver->waitFor(1, 15000));
    run(2);
    failing.stop();
    healthy.stop();
    QCOMPARE(m_receiver->requests().size(), 1);
    const QJsonObject body = m_receiver->requests()[0].json();
    QCOMPARE(body.value(QLatin1String("function")).toString(), flaky);
    const double rate = body.value(QLatin1String("value")).toDouble();
    // Every tenth call fails, the first one included: a window of the first few dozen calls holds a little more.
    QVERIFY2(rate >= 9.5 && rate <= 15, qPrintable(QString::number(rate)));
    QCOMPARE(body.value(QLatin1String("unit")).toString(), QStringLiteral("%"));
    const auto alertsOfRule = rule(QStringLiteral("failing")).value(QLatin1String("alerts")).toArray();
    QCOMPARE(alertsOfRule.size(), 2);
    for (const auto& alert : alertsOfRule) {
        const auto object = alert.toObject();
        const bool isFlaky = object.value(QLatin1String("function")).toString() == flaky;
        QCOMPARE(object.value(QLatin1String("state")).toString(), isFlaky ? QStringLiteral("firing") : QStringLiteral("ok"));
    }
}

// Every alert fires at once and its webhook hangs (then times out and is retried, and hangs again) while calls
// arrive as fast as this test sends them: every one is stored, none dropped by the kernel. `make bench` measures
// the same at 100,000 calls/s.
void tst_Alerts::aHungWebhookNeverSlowsIngest()
{
    m_receiver->setFallback(Answer::Hang);
    QVERIFY(start(QStringLiteral("interval = 0.5s\nwebhook = %1\nwebhook_timeout = 1s\n\n[everything]\n"
                                 "functions = /srv/load/*\nwhen = calls per minute >= 0\nwindow = 2s\n")
                      .arg(m_receiver->url())));
    constexpr int Keys = 50;
    constexpr int Calls = 100000;
    QList<QByteArray> datagrams;
    const qint64 second = QDateTime::currentSecsSinceEpoch();
    for (int i = 0; i < Keys; ++i) // one call per function first: the rule fires for each, the webhooks hang
        datagrams.append(Test::decoratorDatagram(QStringLiteral("/srv/load/f%1.py-run").arg(i), 1, second));
    Test::sendDatagrams(datagrams, m_kodemon->udpPort());
    QVERIFY(m_receiver->waitFor(6, 10000)); // several webhooks in flight, none answered
    datagrams.clear();
    for (int i = 0; i < Calls; ++i)
        datagrams.append(Test::decoratorDatagram(QStringLiteral("/srv/load/f%1.py-run").arg(i % Keys), 1 + i % 7,
            QDateTime::currentSecsSinceEpoch()));
    // 25,000 calls a second: a rate an ASan build keeps up with on two busy cores, so that a loss would be the
    // webhooks' doing.
    constexpr int PerSecond = 25000;
    QUdpSocket socket;
    QElapsedTimer timer;
    timer.start();
    for (int i = 0; i < Calls; ++i) {
        socket.writeDatagram(datagrams[i], QHostAddress::LocalHost, m_kodemon->udpPort());
        if (i % 250 == 249) {
            const qint64 ahead = qint64(i + 1) * 1000000 / PerSecond - timer.nsecsElapsed() / 1000;
            if (ahead > 0)
                QThread::usleep(quint64(ahead));
        }
    }
    const double seconds = double(timer.elapsed()) / 1000.0;
    QJsonObject counters;
    QNetworkAccessManager network;
    const auto status = [&] {
        std::unique_ptr<QNetworkReply> reply(network.get(QNetworkRequest(QUrl(m_kodemon->baseUrl() + QStringLiteral("/api/status")))));
        QSignalSpy finished(reply.get(), &QNetworkReply::finished);
        finished.wait(10000);
        return QJsonDocument::fromJson(reply->readAll()).object().value(QLatin1String("counters")).toObject();
    };
    QTRY_VERIFY_WITH_TIMEOUT((counters = status()).value(QLatin1String("samples_stored")).toInteger() >= Calls + Keys, 30000);
    qInfo("%d calls in %.2f s (%.0f/s) while %lld webhook requests hung: %lld stored, %lld dropped by the kernel", Calls,
        seconds, Calls / seconds, qint64(m_receiver->requests().size()),
        counters.value(QLatin1String("samples_stored")).toInteger(), counters.value(QLatin1String("kernel_drops")).toInteger());
    QCOMPARE(counters.value(QLatin1String("samples_stored")).toInteger(), qint64(Calls + Keys));
    QCOMPARE(counters.value(QLatin1String("kernel_drops")).toInteger(), 0);
    const QJsonObject notifications = alerts().value(QLatin1String("notifications")).toObject();
    QVERIFY(notifications.value(QLatin1String("waiting")).toInt() > 0);
    QCOMPARE(alerts().value(QLatin1String("firing")).toInt(), Keys);
    m_receiver->releaseHung();
}

void tst_Alerts::malformedRulesAreRefusedWithTheLine_data()
{
    QTest::addColumn<QString>("rules");
    QTest::addColumn<QString>("message");
    QTest::newRow("bad condition") << QStringLiteral("# mine\n[slow]\nfunction = f\nwhen = p95 > fast\n")
                                   << QStringLiteral("alerts.conf line 4: when = p95 > fast: write a statistic");
    QTest::newRow("unknown field") << QStringLiteral("[slow]\nfunction = f\nwhen = p95 > 5 ms\nthreshold = 5\n")
                                   << QStringLiteral("alerts.conf line 4: unknown field \"threshold\"");
    QTest::newRow("garbage") << QStringLiteral("{\"rules\": []}\n")
                             << QStringLiteral("alerts.conf line 1: expected a rule's name in brackets");
}

void tst_Alerts::malformedRulesAreRefusedWithTheLine()
{
    QFETCH(QString, rules);
    QFETCH(QString, message);
    const QString path = m_dir->filePath(QStringLiteral("alerts.conf"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(rules.toUtf8());
    file.close();
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(Test::KodemonProcess::binary(),
        { QStringLiteral("--headless"), QStringLiteral("--alerts"), path, QStringLiteral("--db"),
            m_dir->filePath(QStringLiteral("k.sqlite")) });
    QVERIFY(process.waitForFinished(15000));
    const QString output = QString::fromUtf8(process.readAll());
    QCOMPARE(process.exitCode(), 64);
    QVERIFY2(output.contains(message), qPrintable(output));
    QVERIFY(!QFile::exists(m_dir->filePath(QStringLiteral("k.sqlite")))); // refused before anything started
}

void tst_Alerts::aScopedApiTokenSeesOnlyItsAlerts()
{
    QVERIFY(start(QStringLiteral("interval = 0.5s\n[shop slow]\nfunction = %1\ntoken = shop\nwhen = max > 1 ms\n\n"
                                 "[blog slow]\nfunction = %1\ntoken = blog\nwhen = max > 1 ms\n\n"
                                 "[later]\nfunction = /srv/not/yet.py-f\nwhen = no calls\n")
                      .arg(Checkout),
        { QStringLiteral("--api-token"), QStringLiteral("an-admin-secret-of-some-length"), QStringLiteral("--api-token"),
            QStringLiteral("a-shop-secret-of-some-length:shop") }));
    Test::sendDatagrams({ Test::decoratorDatagram(Checkout, 5, QDateTime::currentSecsSinceEpoch(), QStringLiteral("shop")),
                            Test::decoratorDatagram(Checkout, 5, QDateTime::currentSecsSinceEpoch(), QStringLiteral("blog")) },
        m_kodemon->udpPort());
    QTRY_COMPARE_WITH_TIMEOUT(alerts("", "an-admin-secret-of-some-length").value(QLatin1String("firing")).toInt(), 2, 10000);
    const QJsonObject shop = alerts("", "a-shop-secret-of-some-length");
    QCOMPARE(shop.value(QLatin1String("rules")).toArray().size(), 1);
    QCOMPARE(shop.value(QLatin1String("rules")).toArray().at(0).toObject().value(QLatin1String("name")).toString(),
        QStringLiteral("shop slow"));
    QCOMPARE(shop.value(QLatin1String("firing")).toInt(), 1);
    QVERIFY(!alerts().contains(QLatin1String("rules"))); // no token: 401 and an error document
    const QJsonObject bad = alerts("state=burning", "an-admin-secret-of-some-length");
    QVERIFY(bad.value(QLatin1String("detail")).toString().contains(QStringLiteral("\"state\" must be")));
}

QTEST_GUILESS_MAIN(tst_Alerts)
#include "tst_alerts.moc"
