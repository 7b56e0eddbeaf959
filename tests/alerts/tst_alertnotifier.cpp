// SPDX-License-Identifier: MIT
// Webhooks to a real HTTP receiver on loopback (answering 200, 500, 404 or never) and commands run for real:
// the body, retries with back-off, no retries where they cannot help, order within an alert, the environment.
#include "alerts/alertboard.h"
#include "alerts/alertnotifier.h"
#include "alerts/rulesfile.h"
#include "webhookreceiver.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using Answer = Test::WebhookReceiver::Answer;

class tst_AlertNotifier : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void postsTheDocumentedBody();
    void retriesServerErrorsWithBackOff();
    void aHungReceiverTimesOutAndIsRetried();
    void clientErrorsAreNotRetried();
    void givesUpAfterMaxAttempts();
    void notificationsOfOneAlertKeepTheirOrder();
    void runsTheCommandWithTheAlertInItsEnvironment();
    void aCommandThatCannotRunIsCounted();
    void tooManyWaitingAreDroppedAndCounted();

private:
    std::unique_ptr<Test::WebhookReceiver> m_receiver;
};

namespace {

AlertEvent alertEvent(const QString& url, AlertNotice notice = AlertNotice::Firing, const QString& rule = QStringLiteral("slow"))
{
    AlertEvent event;
    event.notice = notice;
    event.rule.name = rule;
    event.rule.function = QStringLiteral("/srv/shop/views.py-checkout");
    event.rule.condition = *parseCondition(QStringLiteral("p95 > 25 ms"));
    event.rule.tags = { TagFilter { TagFilter::Op::Equals, QStringLiteral("tier"), QStringLiteral("gold") } };
    event.rule.window = 300;
    event.rule.forSeconds = 30;
    event.rule.keepFiringFor = 60;
    event.transition = AlertTransition { 1795608000.25, rule, { QStringLiteral("shop"), event.rule.function },
        notice == AlertNotice::Firing ? AlertState::Pending : AlertState::Resolving,
        notice == AlertNotice::Firing ? AlertState::Firing : AlertState::Resolved, 41.5, 25.0,
        QStringLiteral("p95 > 25 ms") };
    event.link = alertLink(QStringLiteral("http://127.0.0.1:4000/"), event.transition.series, event.transition.time);
    event.webhook = url;
    event.webhookTimeout = 10;
    return event;
}

AlertNotifier::Options fast()
{
    AlertNotifier::Options options;
    options.firstRetry = 0.2;
    return options;
}

} // namespace

void tst_AlertNotifier::init()
{
    m_receiver = std::make_unique<Test::WebhookReceiver>();
    QVERIFY(m_receiver->listen());
}

void tst_AlertNotifier::postsTheDocumentedBody()
{
    AlertNotifier notifier(fast());
    QSignalSpy delivered(&notifier, &AlertNotifier::delivered);
    notifier.send(alertEvent(m_receiver->url()));
    QVERIFY(m_receiver->waitFor(1, 10000));
    const auto& request = m_receiver->requests().constFirst();
    QCOMPARE(request.method, QByteArray("POST"));
    QCOMPARE(request.path, QByteArray("/hook"));
    QCOMPARE(request.headers.value("content-type"), QByteArray("application/json"));
    const QJsonObject body = request.json();
    // Slack and compatible chats show `text`; everything else is for programs.
    QCOMPARE(body.value(QLatin1String("text")).toString(),
        QStringLiteral("FIRING: slow: p95 41.5 ms (threshold 25 ms) on /srv/shop/views.py-checkout (token shop); "
                       "condition p95 > 25 ms ")
            + body.value(QLatin1String("link")).toString());
    QCOMPARE(body.value(QLatin1String("state")).toString(), QStringLiteral("firing"));
    QCOMPARE(body.value(QLatin1String("rule")).toString(), QStringLiteral("slow"));
    QCOMPARE(body.value(QLatin1String("function")).toString(), QStringLiteral("/srv/shop/views.py-checkout"));
    QCOMPARE(body.value(QLatin1String("token")).toString(), QStringLiteral("shop"));
    QCOMPARE(body.value(QLatin1String("tags")).toArray().at(0).toString(), QStringLiteral("tier:gold"));
    QCOMPARE(body.value(QLatin1String("value")).toDouble(), 41.5);
    QCOMPARE(body.value(QLatin1String("threshold")).toDouble(), 25.0);
    QCOMPARE(body.value(QLatin1String("unit")).toString(), QStringLiteral("ms"));
    QCOMPARE(body.value(QLatin1String("statistic")).toString(), QStringLiteral("p95"));
    QCOMPARE(body.value(QLatin1String("time")).toDouble(), 1795608000.25);
    QCOMPARE(body.value(QLatin1String("time_iso")).toString(), QStringLiteral("2026-11-25T12:00:00.250Z"));
    QCOMPARE(body.value(QLatin1String("window_seconds")).toDouble(), 300.0);
    QCOMPARE(body.value(QLatin1String("for_seconds")).toDouble(), 30.0);
    QCOMPARE(body.value(QLatin1String("keep_firing_for_seconds")).toDouble(), 60.0);
    QVERIFY(body.value(QLatin1String("link")).toString().startsWith(QStringLiteral("http://127.0.0.1:4000/#key=")));
    QCOMPARE(body.value(QLatin1String("kodemon")).toString(), QStringLiteral(KODEMON_VERSION));
    QTRY_COMPARE(delivered.size(), 1);
    QCOMPARE(delivered.constFirst().at(2).toString(), QString());
    QCOMPARE(notifier.counters().delivered, 1);
    QCOMPARE(notifier.counters().waiting, 0);
}

void tst_AlertNotifier::retriesServerErrorsWithBackOff()
{
    m_receiver->script({ Answer::ServerError, Answer::ServerError, Answer::ServerError, Answer::Ok });
    auto board = std::make_shared<AlertBoard>();
    auto options = fast();
    options.board = board;
    AlertNotifier notifier(options);
    notifier.send(alertEvent(m_receiver->url()));
    QVERIFY(m_receiver->waitFor(4, 20000));
    const auto& requests = m_receiver->requests();
    // 0.2 s, 0.4 s, 0.8 s (each up to 10% more): each wait at least the one before, doubled.
    const qint64 first = requests[1].receivedMs - requests[0].receivedMs;
    const qint64 second = requests[2].receivedMs - requests[1].receivedMs;
    const qint64 third = requests[3].receivedMs - requests[2].receivedMs;
    qInfo("back-off: %lld, %lld, %lld ms", first, second, third);
    QVERIFY2(first >= 190 && first < 1000, qPrintable(QString::number(first)));
    QVERIFY2(second >= 390 && second >= first * 3 / 2, qPrintable(QString::number(second)));
    QVERIFY2(third >= 790 && third >= second * 3 / 2, qPrintable(QString::number(third)));
    QCOMPARE(requests[3].body, requests[0].body); // the same notification each time
    QTRY_COMPARE(notifier.counters().delivered, 1);
    QCOMPARE(notifier.counters().retries, 3);
    QCOMPARE(notifier.counters().failed, 0);
    QCOMPARE(board->snapshot().deliveries.retries, 3);
    QCOMPARE(board->snapshot().deliveries.waiting, 0);
    QVERIFY(!m_receiver->waitFor(5, 1500)); // and nothing more
}

void tst_AlertNotifier::aHungReceiverTimesOutAndIsRetried()
{
    m_receiver->script({ Answer::Hang });
    AlertNotifier notifier(fast());
    auto alert = alertEvent(m_receiver->url());
    alert.webhookTimeout = 0.5;
    notifier.send(alert);
    QVERIFY(m_receiver->waitFor(2, 10000));
    const qint64 gap = m_receiver->requests()[1].receivedMs - m_receiver->requests()[0].receivedMs;
    QVERIFY2(gap >= 650, qPrintable(QString::number(gap))); // the timeout, then the back-off
    QTRY_COMPARE(notifier.counters().delivered, 1);
    QCOMPARE(notifier.counters().retries, 1);
    QVERIFY(notifier.counters().lastError.contains(QStringLiteral("did not answer in time")));
}

void tst_AlertNotifier::clientErrorsAreNotRetried()
{
    m_receiver->setFallback(Answer::NotFound);
    AlertNotifier notifier(fast());
    QSignalSpy delivered(&notifier, &AlertNotifier::delivered);
    notifier.send(alertEvent(m_receiver->url()));
    QTRY_COMPARE(delivered.size(), 1);
    QVERIFY(delivered.constFirst().at(2).toString().contains(QStringLiteral("HTTP 404")));
    QCOMPARE(notifier.counters().failed, 1);
    QCOMPARE(notifier.counters().retries, 0);
    QVERIFY(!m_receiver->waitFor(2, 800));
}

void tst_AlertNotifier::givesUpAfterMaxAttempts()
{
    m_receiver->setFallback(Answer::ServerError);
    auto options = fast();
    options.firstRetry = 0.05;
    options.maxAttempts = 3;
    AlertNotifier notifier(options);
    notifier.send(alertEvent(m_receiver->url()));
    QTRY_COMPARE_WITH_TIMEOUT(notifier.counters().failed, 1, 10000);
    QCOMPARE(m_receiver->requests().size(), 3);
    QVERIFY(notifier.counters().lastError.contains(QStringLiteral("after 3 attempt(s)")));
    QVERIFY(notifier.counters().lastError.contains(QStringLiteral("HTTP 500")));
}

void tst_AlertNotifier::notificationsOfOneAlertKeepTheirOrder()
{
    // The firing one is retried; the resolution waits behind it instead of arriving first.
    m_receiver->script({ Answer::ServerError, Answer::Ok, Answer::Ok, Answer::Ok });
    AlertNotifier notifier(fast());
    notifier.send(alertEvent(m_receiver->url()));
    notifier.send(alertEvent(m_receiver->url(), AlertNotice::Resolved));
    notifier.send(alertEvent(m_receiver->url(), AlertNotice::Firing, QStringLiteral("other rule")));
    QVERIFY(m_receiver->waitFor(4, 10000));
    QStringList seen;
    for (const auto& request : m_receiver->requests())
        seen.append(request.json().value(QLatin1String("rule")).toString() + u':'
            + request.json().value(QLatin1String("state")).toString());
    // Another alert is not held up by this one's retry.
    QCOMPARE(seen, QStringList({ QStringLiteral("slow:firing"), QStringLiteral("other rule:firing"),
                       QStringLiteral("slow:firing"), QStringLiteral("slow:resolved") }));
}

void tst_AlertNotifier::runsTheCommandWithTheAlertInItsEnvironment()
{
    QTemporaryDir folder;
    const QString out = folder.filePath(QStringLiteral("out.txt"));
    auto alert = alertEvent(QString());
    // A shell command line, as the rules file holds it: variables expand, output redirects.
    alert.command = QStringLiteral("printf '%s|%s|%s|%s|%s|%s' \"$KODEMON_ALERT_RULE\" \"$KODEMON_ALERT_STATE\" "
                                   "\"$KODEMON_ALERT_FUNCTION\" \"$KODEMON_ALERT_VALUE\" \"$KODEMON_ALERT_THRESHOLD\" "
                                   "\"$KODEMON_ALERT_TOKEN\" > '%1'")
                        .arg(out);
    AlertNotifier notifier(fast());
    QSignalSpy delivered(&notifier, &AlertNotifier::delivered);
    notifier.send(alert);
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 1, 10000);
    QCOMPARE(delivered.constFirst().at(2).toString(), QString());
    QFile file(out);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("slow|firing|/srv/shop/views.py-checkout|41.5|25|shop"));
    const QStringList environment = alertEnvironment(alert);
    QVERIFY(environment.contains(QStringLiteral("KODEMON_ALERT_CONDITION=p95 > 25 ms")));
    QVERIFY(environment.contains(QStringLiteral("KODEMON_ALERT_TIME_ISO=2026-11-25T12:00:00Z")));
    QVERIFY(std::any_of(environment.begin(), environment.end(),
        [](const QString& line) { return line.startsWith(QLatin1String("KODEMON_ALERT_JSON={\"")); }));
    QVERIFY(std::any_of(environment.begin(), environment.end(),
        [](const QString& line) { return line.startsWith(QLatin1String("KODEMON_ALERT_TEXT=FIRING: slow: ")); }));
    QVERIFY(std::any_of(environment.begin(), environment.end(),
        [](const QString& line) { return line.startsWith(QLatin1String("PATH=")); })); // Kodemon's own, kept
}

void tst_AlertNotifier::aCommandThatCannotRunIsCounted()
{
    auto alert = alertEvent(QString());
    alert.command = QStringLiteral("/nonexistent/notifier --flag");
    auto failing = alertEvent(QString(), AlertNotice::Resolved, QStringLiteral("exit 3"));
    failing.command = QStringLiteral("exit 3");
    AlertNotifier notifier(fast());
    QSignalSpy delivered(&notifier, &AlertNotifier::delivered);
    notifier.send(alert);
    notifier.send(failing);
    QTRY_COMPARE_WITH_TIMEOUT(delivered.size(), 2, 10000);
    QCOMPARE(notifier.counters().failed, 2);
    QCOMPARE(notifier.counters().retries, 0); // commands run once
    QStringList errors { delivered[0].at(2).toString(), delivered[1].at(2).toString() };
    errors.sort();
    // A program the shell cannot find is its exit code 127.
    QVERIFY2(errors[0].contains(QStringLiteral("exited with code 127")), qPrintable(errors[0]));
    QVERIFY2(errors[1].contains(QStringLiteral("exited with code 3")), qPrintable(errors[1]));
}

void tst_AlertNotifier::tooManyWaitingAreDroppedAndCounted()
{
    m_receiver->setFallback(Answer::Hang);
    auto options = fast();
    options.maxWaiting = 5;
    AlertNotifier notifier(options);
    for (int i = 0; i < 8; ++i)
        notifier.send(alertEvent(m_receiver->url(), AlertNotice::Firing, QStringLiteral("rule %1").arg(i)));
    QCOMPARE(notifier.counters().waiting, 5);
    QCOMPARE(notifier.counters().dropped, 3);
    QVERIFY(notifier.counters().lastError.contains(QStringLiteral("dropped")));
    m_receiver->releaseHung();
}

QTEST_GUILESS_MAIN(tst_AlertNotifier)
#include "tst_alertnotifier.moc"
