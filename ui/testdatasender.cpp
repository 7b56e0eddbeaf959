// SPDX-License-Identifier: MIT
#include "testdatasender.h"

#include <cmath>
#include <QDateTime>
#include <QLocale>
#include <QRandomGenerator>
#include <QTimer>
#include <QUdpSocket>

namespace Kodemon {

namespace {

constexpr int BatchSize = 50;
constexpr int HistorySeconds = 1800; // half of the default one-hour view

struct Function
{
    const char* key;
    double typicalMs; // median
    double spread; // log-normal sigma
    int weight; // relative call frequency
};

const Function Functions[] = {
    { "/srv/shop/app/views.py-product_detail", 18.0, 0.35, 10 },
    { "/srv/shop/app/views.py-checkout", 85.0, 0.45, 3 },
    { "/srv/shop/app/search.py-search_products", 42.0, 0.6, 6 },
    { "/srv/shop/app/db/queries.py-load_cart", 2.4, 0.5, 8 },
    { "/srv/shop/app/templates/render.py-render_page", 6.5, 0.3, 10 },
    { "/srv/shop/app/tasks/email.py-send_receipt", 240.0, 0.4, 2 },
};

// A decorator datagram: Python 3's json.dumps of {key, execution_time, timestamp, token}.
QByteArray datagram(const QString& key, double ms, qint64 timestamp)
{
    return QStringLiteral(R"({"key": "%1", "execution_time": %2, "timestamp": %3, "token": "demo"})")
        .arg(key, QString::number(ms, 'g', QLocale::FloatingPointShortest))
        .arg(timestamp)
        .toUtf8();
}

const Function& pick(QRandomGenerator& random)
{
    int total = 0;
    for (const auto& function : Functions)
        total += function.weight;
    int ticket = int(random.bounded(total));
    for (const auto& function : Functions) {
        ticket -= function.weight;
        if (ticket < 0)
            return function;
    }
    return Functions[0];
}

double executionTime(const Function& function, QRandomGenerator& random)
{
    // Box–Muller for a log-normal body, plus the odd slow call (cache miss, lock) that monitoring is for.
    const double u1 = std::max(1e-12, random.generateDouble());
    const double normal = std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * random.generateDouble());
    double ms = function.typicalMs * std::exp(function.spread * normal);
    if (random.bounded(100) < 2)
        ms *= 4 + random.bounded(6);
    return std::round(ms * 1000) / 1000;
}

} // namespace

TestDataSender::TestDataSender(QObject* parent)
    : QObject(parent)
    , m_socket(new QUdpSocket(this))
    , m_timer(new QTimer(this))
{
    m_timer->setInterval(5);
    connect(m_timer, &QTimer::timeout, this, &TestDataSender::sendBatch);
}

TestDataSender::~TestDataSender() = default;

QList<QByteArray> TestDataSender::datagrams(qint64 now, int count)
{
    QRandomGenerator random(20141015); // the same shop every time
    QList<QByteArray> out;
    out.reserve(count);
    for (int i = 0; i < count; ++i) {
        const Function& function = pick(random);
        const qint64 timestamp = now - HistorySeconds + qint64(i) * HistorySeconds / std::max(1, count);
        out.append(datagram(QString::fromLatin1(function.key), executionTime(function, random), timestamp));
    }
    return out;
}

bool TestDataSender::send(const QHostAddress& address, quint16 port, int count)
{
    if (isSending())
        return false;
    m_address = address == QHostAddress::Any || address == QHostAddress::AnyIPv4 ? QHostAddress(QHostAddress::LocalHost)
                                                                                 : address;
    m_port = port;
    m_sent = 0;
    m_queue = datagrams(QDateTime::currentSecsSinceEpoch(), count);
    m_timer->start();
    return true;
}

bool TestDataSender::isSending() const
{
    return m_timer->isActive();
}

void TestDataSender::sendBatch()
{
    for (int i = 0; i < BatchSize && !m_queue.isEmpty(); ++i) {
        const QByteArray datagram = m_queue.takeFirst();
        if (m_socket->writeDatagram(datagram, m_address, m_port) != datagram.size()) {
            m_timer->stop();
            m_queue.clear();
            Q_EMIT finished(m_sent, m_socket->errorString());
            return;
        }
        ++m_sent;
    }
    if (m_queue.isEmpty()) {
        m_timer->stop();
        Q_EMIT finished(m_sent, QString());
    }
}

} // namespace Kodemon
