// SPDX-License-Identifier: MIT
// The OTLP/HTTP receiver over real loopback HTTP/1.1: both encodings, gzip with and without Content-Length
// (chunked), keep-alive, and every answer the specification asks for (200, partial success, 400, 404, 405, 413,
// 415, 503 with Retry-After), with the body a google.rpc.Status in the request's encoding.
#include "ingest/collector.h"
#include "ingest/ingestcounters.h"
#include "ingest/listenercounters.h"
#include "otlp/otlpreceiver.h"
#include "sqlite/sqlitestore.h"
#include "store/query.h"

#include <atomic>
#include <otlptrace.pb.h>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>
#include <zlib.h>

using namespace Kodemon;

class tst_OtlpReceiver : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void protobufAndJsonAreStored();
    void gzipChunkedBodies();
    void keepAliveCarriesSeveralRequests();
    void answers_data();
    void answers();
    void aSaturatedWriterGets503WithRetryAfter();
    void theCollectorsByteBoundGets503AndLosesNothing();
    void oversizedBodiesGet413BeforeTheyAreRead();
    void aTakenPortSaysSo();

private:
    struct Response
    {
        int status = 0;
        QHash<QByteArray, QByteArray> headers;
        QByteArray body;
    };
    Response exchange(const QByteArray& request, QTcpSocket* socket = nullptr, quint16 port = 0);
    QByteArray post(const QByteArray& body, const QByteArray& contentType, const QByteArray& extraHeaders = {});
    qsizetype storedCalls();

    std::unique_ptr<OtlpServer> m_server;
    std::shared_ptr<ListenerCounters> m_counters;
    QMutex m_lock;
    QList<Sample> m_stored;
    std::atomic<bool> m_saturated { false };
};

namespace {

constexpr quint64 Start = 1795608000000000000ull;

QByteArray protobufRequest(const char* name, int spans)
{
    otlpwire::ExportTraceServiceRequest message;
    auto* scope = message.add_resource_spans()->add_scope_spans();
    for (int i = 0; i < spans; ++i) {
        auto* span = scope->add_spans();
        span->set_name(name);
        span->set_start_time_unix_nano(Start + quint64(i) * 1000000000ull);
        span->set_end_time_unix_nano(Start + quint64(i) * 1000000000ull + 1000000ull * quint64(i + 1));
    }
    const std::string bytes = message.SerializeAsString();
    return QByteArray(bytes.data(), qsizetype(bytes.size()));
}

QByteArray jsonRequest(const QByteArray& spans)
{
    return R"({"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"svc"}}]},)"
           R"("scopeSpans":[{"spans":[)" + spans + "]}]}]}";
}

QByteArray gzipped(const QByteArray& data)
{
    z_stream z {};
    deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
    QByteArray out(int(deflateBound(&z, uLong(data.size()))) + 64, Qt::Uninitialized);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.constData()));
    z.avail_in = uInt(data.size());
    z.next_out = reinterpret_cast<Bytef*>(out.data());
    z.avail_out = uInt(out.size());
    deflate(&z, Z_FINISH);
    out.resize(qsizetype(z.total_out));
    deflateEnd(&z);
    return out;
}

QByteArray chunked(const QByteArray& body, qsizetype chunk)
{
    QByteArray out;
    for (qsizetype i = 0; i < body.size(); i += chunk) {
        const QByteArray part = body.mid(i, chunk);
        out += QByteArray::number(part.size(), 16) + "\r\n" + part + "\r\n";
    }
    return out + "0\r\n\r\n";
}

} // namespace

void tst_OtlpReceiver::init()
{
    m_stored.clear();
    m_saturated = false;
    m_counters = OtlpReceiver::makeCounters();
    OtlpReceiver::Options options;
    options.port = 0;
    options.counters = m_counters;
    options.deliver = [this](const QList<Sample>& samples) {
        const QMutexLocker locker(&m_lock);
        m_stored += samples;
    };
    options.saturated = [this] { return m_saturated.load(); };
    m_server = std::make_unique<OtlpServer>(options);
    const Status status = m_server->start();
    QVERIFY2(status.ok(), status.ok() ? "" : qPrintable(status.error()));
    QVERIFY(m_server->port() > 0);
}

void tst_OtlpReceiver::cleanup()
{
    m_server.reset();
}

qsizetype tst_OtlpReceiver::storedCalls()
{
    const QMutexLocker locker(&m_lock);
    return m_stored.size();
}

tst_OtlpReceiver::Response tst_OtlpReceiver::exchange(const QByteArray& request, QTcpSocket* reuse, quint16 port)
{
    QTcpSocket own;
    QTcpSocket* socket = reuse ? reuse : &own;
    if (socket->state() != QAbstractSocket::ConnectedState) {
        socket->connectToHost(QHostAddress::LocalHost, port ? port : m_server->port());
        if (!socket->waitForConnected(5000))
            return {};
    }
    socket->write(request);
    QByteArray data;
    Response response;
    qsizetype headEnd = -1;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < 20000) {
        socket->waitForReadyRead(200);
        data += socket->readAll();
        if (headEnd < 0 && (headEnd = data.indexOf("\r\n\r\n")) >= 0) {
            const QList<QByteArray> lines = data.first(headEnd).split('\n');
            response.status = lines[0].split(' ').value(1).toInt();
            for (qsizetype i = 1; i < lines.size(); ++i) {
                const qsizetype colon = lines[i].indexOf(':');
                response.headers.insert(lines[i].first(colon).trimmed().toLower(), lines[i].sliced(colon + 1).trimmed());
            }
        }
        if (headEnd >= 0 && data.size() - headEnd - 4 >= response.headers.value("content-length").toLongLong()) {
            response.body = data.sliced(headEnd + 4);
            return response;
        }
        if (socket->state() != QAbstractSocket::ConnectedState && socket->bytesAvailable() == 0)
            break;
    }
    return response;
}

QByteArray tst_OtlpReceiver::post(const QByteArray& body, const QByteArray& contentType, const QByteArray& extraHeaders)
{
    return "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\n" + extraHeaders
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body;
}

void tst_OtlpReceiver::protobufAndJsonAreStored()
{
    const Response proto = exchange(post(protobufRequest("proto", 3), "application/x-protobuf"));
    QCOMPARE(proto.status, 200);
    QCOMPARE(proto.headers.value("content-type"), QByteArray("application/x-protobuf"));
    QCOMPARE(proto.body, QByteArray()); // an ExportTraceServiceResponse without partial_success is empty
    const Response json = exchange(post(jsonRequest(R"({"name":"json","startTimeUnixNano":"5","endTimeUnixNano":"7"})"),
        "application/json; charset=utf-8"));
    QCOMPARE(json.status, 200);
    QCOMPARE(json.headers.value("content-type"), QByteArray("application/json"));
    QCOMPARE(json.body, QByteArray("{}"));
    QCOMPARE(storedCalls(), 4);
    const QMutexLocker locker(&m_lock);
    QCOMPARE(m_stored[2].executionTime, 3.0);
    QCOMPARE(m_stored[3].token, QStringLiteral("svc"));
    QVERIFY(m_stored[3].receivedAt > 0);
    QCOMPARE(m_counters->snapshot().received, 2);
    QCOMPARE(m_counters->snapshot().calls, 4);
}

void tst_OtlpReceiver::gzipChunkedBodies()
{
    const QByteArray body = gzipped(protobufRequest("gz", 500));
    const Response plain = exchange(post(body, "application/x-protobuf", "Content-Encoding: gzip\r\n"));
    QCOMPARE(plain.status, 200);
    const Response chunks = exchange("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-protobuf\r\n"
                                     "Content-Encoding: GZIP\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunked(body, 333));
    QCOMPARE(chunks.status, 200);
    QCOMPARE(storedCalls(), 1000);
}

void tst_OtlpReceiver::keepAliveCarriesSeveralRequests()
{
    QTcpSocket socket;
    for (int i = 0; i < 5; ++i)
        QCOMPARE(exchange(post(protobufRequest("again", 2), "application/x-protobuf"), &socket).status, 200);
    QCOMPARE(socket.state(), QAbstractSocket::ConnectedState);
    QCOMPARE(storedCalls(), 10);
}

void tst_OtlpReceiver::answers_data()
{
    QTest::addColumn<QByteArray>("request");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("says");
    const QByteArray json = "application/json";
    const QByteArray proto = "application/x-protobuf";
    QTest::newRow("garbage protobuf") << post("\xff\xff\xff", proto) << 400 << proto << "not an OTLP";
    QTest::newRow("garbage JSON") << post("nope", json) << 400 << json << "not JSON";
    QTest::newRow("truncated gzip") << post(gzipped("{}").first(10), json, "Content-Encoding: gzip\r\n") << 400 << json
                                    << "truncated";
    QTest::newRow("text/plain") << post("{}", "text/plain") << 415 << json << "Content-Type";
    QTest::newRow("no content type") << QByteArray("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}")
                                     << 415 << json << "Content-Type";
    QTest::newRow("brotli") << post("{}", json, "Content-Encoding: br\r\n") << 415 << json << "Content-Encoding";
    QTest::newRow("GET") << QByteArray("GET /v1/traces HTTP/1.1\r\nHost: x\r\n\r\n") << 405 << json << "POST";
    QTest::newRow("metrics") << post("{}", json).replace("/v1/traces", "/v1/metrics") << 404 << json << "/v1/traces";
    QTest::newRow("partial success")
        << post(jsonRequest(R"({"name":"ok","startTimeUnixNano":"5","endTimeUnixNano":"7"},{"name":""})"), json) << 200
        << json << "partialSuccess";
}

void tst_OtlpReceiver::answers()
{
    QFETCH(QByteArray, request);
    QFETCH(int, status);
    QFETCH(QByteArray, contentType);
    QFETCH(QString, says);
    const Response response = exchange(request);
    QCOMPARE(response.status, status);
    QCOMPARE(response.headers.value("content-type"), contentType);
    if (status == 405)
        QCOMPARE(response.headers.value("allow"), QByteArray("POST"));
    QString text;
    if (contentType == "application/json") {
        text = QString::fromUtf8(response.body);
        QVERIFY(QJsonDocument::fromJson(response.body).isObject());
    } else {
        otlpwire::RpcStatus rpc;
        QVERIFY(rpc.ParseFromArray(response.body.constData(), int(response.body.size())));
        text = QString::fromStdString(rpc.message());
        QCOMPARE(rpc.code(), 3); // INVALID_ARGUMENT
    }
    QVERIFY2(text.contains(says), qPrintable(text));
}

void tst_OtlpReceiver::aSaturatedWriterGets503WithRetryAfter()
{
    m_saturated = true;
    const Response busy = exchange(post(protobufRequest("later", 2), "application/x-protobuf"));
    QCOMPARE(busy.status, 503);
    QCOMPARE(busy.headers.value("retry-after"), QByteArray("2"));
    otlpwire::RpcStatus rpc;
    QVERIFY(rpc.ParseFromArray(busy.body.constData(), int(busy.body.size())));
    QCOMPARE(rpc.code(), 14); // UNAVAILABLE
    QCOMPARE(storedCalls(), 0);
    m_saturated = false;
    QCOMPARE(exchange(post(protobufRequest("later", 2), "application/x-protobuf")).status, 200);
    QCOMPARE(storedCalls(), 2);
    const auto refused = m_counters->snapshot().groups[0].counts;
    QCOMPARE(refused[3].name, QStringLiteral("busy"));
    QCOMPARE(refused[3].count, 1);
}

// With a real collector whose writer is stalled (another connection holds SQLite's write lock): spans with 1 KB of
// attributes reach the collector's bound in bytes after one request of 100 spans, far below its bound in calls, and
// the next request is refused with 503 and Retry-After. Once the writer catches up, requests are taken again, and
// every span of every request answered 200 is in the database.
void tst_OtlpReceiver::theCollectorsByteBoundGets503AndLosesNothing()
{
    QTemporaryDir dir;
    auto store = std::make_shared<SqliteStore>(dir.filePath(QStringLiteral("o.sqlite")));
    QVERIFY(store->open().ok());
    Collector::Options bounded;
    bounded.udp.port = 0;
    bounded.udp.maxSamplesInMemory = 100000;
    bounded.udp.maxBytesInMemory = 64 * 1024;
    Collector collector(store, bounded);
    QVERIFY(collector.start().ok());
    OtlpReceiver::Options options;
    options.port = 0;
    options.counters = OtlpReceiver::makeCounters();
    options.deliver = [&collector](const QList<Sample>& samples) { collector.deliver(samples); };
    options.saturated = [&collector] { return collector.isSaturated(); };
    OtlpServer server(options);
    QVERIFY(server.start().ok());

    auto blocker = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), QStringLiteral("blocker"));
    blocker.setDatabaseName(dir.filePath(QStringLiteral("o.sqlite")));
    QVERIFY(blocker.open());
    QSqlQuery lock(blocker);
    QVERIFY(lock.exec(QStringLiteral("BEGIN IMMEDIATE")));

    const auto request = [](int spans, int round) {
        otlpwire::ExportTraceServiceRequest message;
        auto* scope = message.add_resource_spans()->add_scope_spans();
        for (int i = 0; i < spans; ++i) {
            auto* span = scope->add_spans();
            span->set_name("GET /big");
            span->set_start_time_unix_nano(Start + quint64(round * spans + i) * 1000000ull);
            span->set_end_time_unix_nano(Start + quint64(round * spans + i) * 1000000ull + 2000000ull);
            auto* kv = span->add_attributes();
            kv->set_key("payload");
            kv->mutable_value()->set_string_value(std::string(1000, 'p') + std::to_string(i));
        }
        const std::string bytes = message.SerializeAsString();
        return QByteArray(bytes.data(), qsizetype(bytes.size()));
    };
    constexpr int Spans = 100;
    int round = 0;
    QCOMPARE(exchange(post(request(Spans, round++), "application/x-protobuf"), nullptr, server.port()).status, 200);
    auto counters = collector.counters();
    QVERIFY2(counters->memoryBytes() > bounded.udp.maxBytesInMemory,
        qPrintable(QStringLiteral("%1 bytes held for %2 spans").arg(counters->memoryBytes()).arg(Spans)));
    QVERIFY(counters->inMemory() < bounded.udp.maxSamplesInMemory);
    const Response busy = exchange(post(request(Spans, round), "application/x-protobuf"), nullptr, server.port());
    QCOMPARE(busy.status, 503);
    QCOMPARE(busy.headers.value("retry-after"), QByteArray("2"));
    QCOMPARE(counters->snapshot().accepted, Spans);

    QVERIFY(lock.exec(QStringLiteral("ROLLBACK")));
    lock = QSqlQuery();
    blocker.close();
    blocker = QSqlDatabase();
    QSqlDatabase::removeDatabase(QStringLiteral("blocker"));
    // As an exporter does: send the refused request again until it is taken, then a few more.
    int taken = 1;
    QElapsedTimer timer;
    timer.start();
    while (taken < 5 && timer.elapsed() < 30000) {
        const int status
            = exchange(post(request(Spans, round), "application/x-protobuf"), nullptr, server.port()).status;
        QVERIFY(status == 200 || status == 503);
        if (status == 200) {
            ++taken;
            ++round;
        } else {
            QTest::qWait(50);
        }
    }
    QCOMPARE(taken, 5);
    server.stop();
    collector.stop();
    QCOMPARE(counters->snapshot().stored, qint64(taken) * Spans);
    QCOMPARE(counters->memoryBytes(), 0);
    Query query(store->createReader());
    const auto stats = query.stats({ QStringLiteral("GET /big"), std::nullopt, {} });
    QVERIFY(stats.ok());
    QCOMPARE(stats->count, qint64(taken) * Spans);
}

void tst_OtlpReceiver::oversizedBodiesGet413BeforeTheyAreRead()
{
    // The head says it: refused at once, without waiting for (or keeping) the body.
    const Response declared = exchange("POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                       "Content-Length: 30000000\r\n\r\n");
    QCOMPARE(declared.status, 413);
    QCOMPARE(QJsonDocument::fromJson(declared.body).object().value(QStringLiteral("code")).toInt(), 8);
    // Chunks that add up past 20 MiB.
    const QByteArray piece(1024 * 1024, 'x');
    QByteArray request = "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                         "Transfer-Encoding: chunked\r\n\r\n";
    for (int i = 0; i < 21; ++i)
        request += QByteArray::number(piece.size(), 16) + "\r\n" + piece + "\r\n";
    QCOMPARE(exchange(request + "0\r\n\r\n").status, 413);
    const auto refused = m_counters->snapshot().groups[0].counts;
    QCOMPARE(refused[1].name, QStringLiteral("too_large"));
    QCOMPARE(refused[1].count, 2);
}

void tst_OtlpReceiver::aTakenPortSaysSo()
{
    OtlpReceiver::Options options;
    options.port = m_server->port();
    OtlpServer second(options);
    const Status status = second.start();
    QVERIFY(!status.ok());
    QVERIFY2(status.error().contains(QStringLiteral("--otlp-port")), qPrintable(status.error()));
}

QTEST_GUILESS_MAIN(tst_OtlpReceiver)
#include "tst_otlpreceiver.moc"
