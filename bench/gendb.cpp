// SPDX-License-Identifier: MIT
// kodemon-gendb: writes the query benchmark's database straight through the real store: 10,000,000 samples over
// 1,000 series and 30 days, one of them with 1,000,000 samples, 10% of them with tags. Optionally writes the same samples as InfluxDB
// line protocol, so the peer answers the same questions about the same data.
#include "clickhouse/clickhousestore.h"
#include "sqlite/sqlitestore.h"

#include <cmath>
#include <cstdio>
#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDateTime>
#include <QElapsedTimer>
#include <QFile>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <random>

using namespace Kodemon;

namespace {

QString seriesKey(int series)
{
    static const char* const packages[] = { "/srv/app/shop", "/srv/app/api/v2", "/opt/services/billing",
        "/home/deploy/my project/worker", "/srv/app/../lib/common" };
    return QStringLiteral("%1/module%2.py-function_%3")
        .arg(QLatin1String(packages[series % 5]))
        .arg(series / 5)
        .arg(series);
}

// Nanoseconds made unique by the sample's index: InfluxDB keeps one point per series and timestamp.
QByteArray influxLine(const Sample& sample, qint64 index)
{
    QByteArray key = sample.key.toUtf8();
    key.replace(' ', "\\ ").replace(',', "\\,").replace('=', "\\=");
    return "kodemon,token=" + sample.token.toUtf8() + ",key=" + key
        + " execution_time=" + QByteArray::number(sample.executionTime, 'g', 17) + ' '
        + QByteArray::number(qint64(sample.timestamp) * 1000000000LL + index % 1000000000LL) + '\n';
}

// What a tagged call carries, as a decorator's keyword arguments arrive (compact JSON, keys sorted as Qt writes
// them): an endpoint of five, a tier of two, and one failed call in ten (an exception's class name).
QByteArray tagsOf(std::mt19937_64& random)
{
    static const char* const Endpoints[] = { "/cart", "/checkout", "/home", "/search", "/api/v2/items" };
    const auto pick = random();
    QByteArray extra = "{\"endpoint\":\"" + QByteArray(Endpoints[pick % 5]) + '"';
    if (pick / 5 % 10 == 0)
        extra += ",\"error\":\"TimeoutError\"";
    extra += (pick / 50 % 2 ? ",\"tier\":\"gold\"}" : ",\"tier\":\"silver\"}");
    return extra;
}

// The SQLite file of --db, or the ClickHouse database of --store: the same samples go to either.
Result<std::unique_ptr<Store>> openStore(const QCommandLineParser& parser)
{
    std::unique_ptr<Store> store;
    if (parser.isSet(QStringLiteral("store"))) {
        auto config = parseClickHouseUrl(parser.value(QStringLiteral("store")));
        if (!config)
            return config.failure();
        config->cluster = parser.value(QStringLiteral("cluster"));
        config->timeoutMs = 600000;
        store = std::make_unique<ClickHouseStore>(*config);
    } else {
        store = std::make_unique<SqliteStore>(parser.value(QStringLiteral("db")));
    }
    if (auto status = store->open(); !status)
        return status.failure();
    return store;
}

// Folds SQLite's write-ahead log into the file and empties it, so that the size printed is the database's own
// (the log is transient: at most 64 MiB, checkpointed as it fills).
void checkpoint(const QCommandLineParser& parser)
{
    if (parser.isSet(QStringLiteral("store")))
        return;
    {
        auto db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("gendb-checkpoint"));
        db.setDatabaseName(parser.value(QStringLiteral("db")));
        if (db.open())
            QSqlQuery(db).exec(QStringLiteral("PRAGMA wal_checkpoint(TRUNCATE)"));
    }
    QSqlDatabase::removeDatabase(QStringLiteral("gendb-checkpoint"));
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral("Generates the 10M-sample benchmark database."));
    parser.addHelpOption();
    parser.addOptions({ { QStringLiteral("db"), QStringLiteral("SQLite file to create."), QStringLiteral("path") },
        { QStringLiteral("samples"), QStringLiteral("Samples in all (default 10000000)."), QStringLiteral("n"),
            QStringLiteral("10000000") },
        { QStringLiteral("series"), QStringLiteral("Series (default 1000)."), QStringLiteral("n"),
            QStringLiteral("1000") },
        { QStringLiteral("days"), QStringLiteral("Days covered, ending now (default 30)."), QStringLiteral("n"),
            QStringLiteral("30") },
        { QStringLiteral("influx"), QStringLiteral("Also write line protocol here."), QStringLiteral("path") },
        { QStringLiteral("batch"), QStringLiteral("Samples per transaction (default 100000)."), QStringLiteral("n"),
            QStringLiteral("100000") },
        { QStringLiteral("store"), QStringLiteral("Write to ClickHouse instead: clickhouse://host:8123/database."),
            QStringLiteral("url") },
        { QStringLiteral("cluster"), QStringLiteral("With --store: the cluster of the Distributed table."),
            QStringLiteral("name") },
        { QStringLiteral("tagged"), QStringLiteral("Percent of samples that carry tags (default 10)."),
            QStringLiteral("percent"), QStringLiteral("10") } });
    parser.process(app);
    const qint64 total = parser.value(QStringLiteral("samples")).toLongLong();
    const int seriesCount = parser.value(QStringLiteral("series")).toInt();
    const double span = parser.value(QStringLiteral("days")).toDouble() * 86400;
    const qsizetype batchSize = parser.value(QStringLiteral("batch")).toLongLong();

    auto opened = openStore(parser);
    if (!opened) {
        std::fprintf(stderr, "%s\n", qPrintable(opened.error()));
        return 1;
    }
    Store& store = **opened;
    QFile influx(parser.value(QStringLiteral("influx")));
    const bool writeInflux = !influx.fileName().isEmpty() && influx.open(QIODevice::WriteOnly);

    auto writer = store.createWriter();
    std::mt19937_64 random(1);
    std::lognormal_distribution<double> milliseconds(2.0, 1.0);
    std::uniform_int_distribution<int> others(1, seriesCount - 1);
    const double end = double(QDateTime::currentSecsSinceEpoch());
    const double start = end - span;
    QList<QString> keys;
    for (int i = 0; i < seriesCount; ++i)
        keys.append(seriesKey(i));
    const QString token = QStringLiteral("bench");
    const int taggedPercent = parser.value(QStringLiteral("tagged")).toInt();
    std::uniform_int_distribution<int> percent(0, 99);

    QElapsedTimer timer;
    timer.start();
    QList<Sample> batch;
    for (qint64 i = 0; i < total; ++i) {
        // Series 0 gets a tenth of all samples (1M of 10M): the "one series of 1,000,000 samples".
        const int series = (i % 10 == 0) ? 0 : others(random);
        const double timestamp = std::floor(start + span * double(i) / double(total));
        batch.append(Sample { token, keys.at(series), timestamp, milliseconds(random), qint64(timestamp), {} });
        if (percent(random) < taggedPercent)
            batch.last().extra = tagsOf(random);
        if (batch.size() == batchSize || i + 1 == total) {
            if (auto status = writer->write(batch); !status) {
                std::fprintf(stderr, "%s\n", qPrintable(status.error()));
                return 1;
            }
            if (writeInflux) {
                QByteArray lines;
                for (qsizetype n = 0; n < batch.size(); ++n)
                    lines += influxLine(batch.at(n), i - batch.size() + 1 + n);
                influx.write(lines);
            }
            batch.clear();
        }
    }
    writer.reset();
    checkpoint(parser);
    std::printf("{\"samples\": %lld, \"series\": %d, \"seconds\": %.1f, \"bytes\": %lld, \"big_key\": \"%s\", "
                "\"from\": %.0f, \"to\": %.0f}\n",
        total, seriesCount, timer.elapsed() / 1000.0, store.sizeOnDisk(), qPrintable(keys.first()), start, end);
    return 0;
}
