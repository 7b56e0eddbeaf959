// SPDX-License-Identifier: MIT
#include "alerts/alertservice.h"

#include "alerts/alertboard.h"
#include "alerts/alertengine.h"
#include "alerts/alertnotifier.h"
#include "base/workerthread.h"

namespace Kodemon {

AlertService::AlertService(std::shared_ptr<Store> store, Options options, QObject* parent)
    : QObject(parent)
    , m_store(std::move(store))
    , m_options(std::move(options))
    , m_board(std::make_shared<AlertBoard>())
{
    qRegisterMetaType<AlertSnapshot>();
    qRegisterMetaType<AlertEvent>();
    qRegisterMetaType<AlertRule>();
}

AlertService::~AlertService()
{
    stop();
}

void AlertService::start()
{
    if (m_engine)
        return;
    AlertNotifier::Options notifier;
    notifier.board = m_board;
    notifier.firstRetry = m_options.firstRetry;
    notifier.userAgent = QStringLiteral("Kodemon/%1").arg(QLatin1String(KODEMON_VERSION));
    m_notifierThread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-notify"));
    m_notifier = m_notifierThread->adopt(new AlertNotifier(notifier));

    AlertEngine::Options engine;
    engine.rulesPath = m_options.rulesPath;
    engine.rules = m_options.rules;
    engine.link = m_options.link;
    engine.board = m_board;
    m_engineThread = std::make_unique<WorkerThread>(QStringLiteral("kodemon-alerts"));
    m_engine = m_engineThread->adopt(new AlertEngine(m_store, engine));
    connect(m_engine, &AlertEngine::fired, m_notifier, &AlertNotifier::send, Qt::QueuedConnection);
    connect(m_engine, &AlertEngine::fired, this, &AlertService::notified, Qt::QueuedConnection);
    connect(m_engine, &AlertEngine::editFinished, this, &AlertService::editFinished, Qt::QueuedConnection);
    connect(
        m_engine, &AlertEngine::evaluated, this,
        [this](const AlertSnapshot& snapshot) {
            m_snapshot = snapshot;
            Q_EMIT updated(snapshot);
        },
        Qt::QueuedConnection);
    QMetaObject::invokeMethod(m_engine, &AlertEngine::start, Qt::QueuedConnection);
}

void AlertService::stop()
{
    // The engine first: it may still hand the notifier an event.
    m_engineThread.reset();
    m_engine = nullptr;
    m_notifierThread.reset();
    m_notifier = nullptr;
}

void AlertService::saveRule(const QString& previousName, const AlertRule& rule)
{
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, [engine = m_engine, previousName, rule] { engine->saveRule(previousName, rule); });
}

void AlertService::deleteRule(const QString& name)
{
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, [engine = m_engine, name] { engine->deleteRule(name); });
}

void AlertService::setMuted(const QString& name, bool muted)
{
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, [engine = m_engine, name, muted] { engine->setMuted(name, muted); });
}

void AlertService::evaluateNow()
{
    if (m_engine)
        QMetaObject::invokeMethod(m_engine, &AlertEngine::evaluate, Qt::QueuedConnection);
}

} // namespace Kodemon
