// SPDX-License-Identifier: MIT
#include "datagramshapes.h"

#include <cmath>
#include <ctime>
#include <QRandomGenerator>

namespace Kodemon::Bench {

namespace {

constexpr int Series = 1000;


QByteArray keyOf(int series)
{
    static const char* const packages[] = { "/srv/app/shop", "/srv/app/api/v2", "/opt/services/billing",
        "/home/deploy/my project/worker", "/srv/app/../lib/common" };
    static const char* const modules[] = { "views.py", "models.py", "tasks.py", "handlers/orders.py", "db/queries.py" };
    static const char* const functions[] = { "fetch_latest", "render", "save", "process_payment", "sync", "lookup" };
    return QByteArray(packages[series % 5]) + '/' + modules[(series / 5) % 5] + '-' + functions[(series / 25) % 6] + '_'
        + QByteArray::number(series);
}

QByteArray milliseconds(QRandomGenerator& random)
{
    return QByteArray::number(std::exp(2.0 + random.generateDouble() * 2.0), 'g', 17);
}

// What kodemon-loadgen sends: json.dumps order of Python 3, the kwargs at the end.
QByteArray loadgenDatagram(int i, QRandomGenerator& random, bool extra)
{
    QByteArray out = "{\"key\": \"" + keyOf(i % Series) + "\", \"execution_time\": " + milliseconds(random)
        + ", \"timestamp\": " + QByteArray::number(1795608000 + i / 1000) + ", \"token\": \"bench\"";
    if (extra)
        out += ", \"component\": \"worker\", \"attempt\": 2, \"tags\": [\"a\", \"b\"]";
    return out + '}';
}

// A kwarg that changes with every call (a request id): every set of extras is new to the receiver's cache.
QByteArray distinctExtrasDatagram(int i, QRandomGenerator& random)
{
    return loadgenDatagram(i, random, false).chopped(1) + ", \"request\": " + QByteArray::number(i) + '}';
}

// Python 2's dict order scatters the kwargs between the decorator's own members.
QByteArray python2Datagram(int i, QRandomGenerator& random)
{
    return "{\"project\": \"demo\", \"token\": \"test-token\", \"version\": 3, \"ratio\": 0.5, \"key\": \""
        + keyOf(i % Series) + "\", \"tags\": [\"a\", \"b\"], \"execution_time\": " + milliseconds(random)
        + ", \"timestamp\": " + QByteArray::number(1795608000 + i / 1000) + '}';
}

// Non-ASCII module paths as json.dumps writes them (ensure_ascii): \u escapes and a surrogate pair.
QByteArray escapedDatagram(int i, QRandomGenerator& random)
{
    return "{\"key\": \"/srv/caf\\u00e9/\\u65e5\\u672c_" + QByteArray::number(i % Series)
        + ".py-f\\ud83d\\ude80\", \"execution_time\": " + milliseconds(random)
        + ", \"timestamp\": " + QByteArray::number(1795608000 + i / 1000) + ", \"token\": \"test-token\"}";
}

QList<QByteArray> makeShape(const QString& shape, int count)
{
    QRandomGenerator random(7);
    QList<QByteArray> out;
    out.reserve(count);
    const QByteArray name = shape.toLatin1();
    for (int i = 0; i < count; ++i) {
        if (name == "plain")
            out.append(loadgenDatagram(i, random, false));
        else if (name == "extras")
            out.append(loadgenDatagram(i, random, true));
        else if (name == "loadgen-mix")
            out.append(loadgenDatagram(i, random, random.bounded(10) == 0));
        else if (name == "extras-distinct")
            out.append(distinctExtrasDatagram(i, random));
        else if (name == "python2-kwargs")
            out.append(python2Datagram(i, random));
        else
            out.append(escapedDatagram(i, random));
    }
    return out;
}

} // namespace

QStringList datagramShapes()
{
    return { QStringLiteral("plain"), QStringLiteral("extras"), QStringLiteral("extras-distinct"),
        QStringLiteral("loadgen-mix"), QStringLiteral("python2-kwargs"), QStringLiteral("escaped") };
}

QList<QByteArray> makeDatagrams(const QString& shape, int count)
{
    return makeShape(shape, count);
}

qint64 threadNanoseconds()
{
    timespec now {};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
    return qint64(now.tv_sec) * 1000000000 + now.tv_nsec;
}

} // namespace Kodemon::Bench
