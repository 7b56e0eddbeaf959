// SPDX-License-Identifier: MIT
// The C++ client end to end: KODEMON_SCOPE sends into the real `kodemon --headless`, and the samples come
// back through GET /api/executions with their key, time, timestamp and token.
#include "kodemon_client.h"
#include "kodemonprocess.h"

#include <chrono>
#include <cmath>
#include <cstdint>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTest>
#include <QTimer>
#include <QUrl>
#include <stdexcept>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace std::chrono_literals;

namespace {

const QByteArray Token = QByteArrayLiteral("cpp-client \xC3\xA9");

qint64 epochSeconds()
{
    return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

} // namespace

class TestCppClient final : public QObject
{
    Q_OBJECT

private:
    // GET /api/executions for key and the test's token; {} when the key is not there (yet).
    QJsonObject executions(const QString& key)
    {
        // Every byte but the unreserved ones percent-encoded: keys hold spaces, '+', '&', '#' and '?'.
        const QByteArray query
            = "key=" + QUrl::toPercentEncoding(key) + "&token=" + QUrl::toPercentEncoding(QString::fromUtf8(Token));
        const QUrl url(m_kodemon->baseUrl() + QStringLiteral("/api/executions?") + QString::fromLatin1(query));
        QNetworkRequest request(url);
        request.setTransferTimeout(10000);
        std::unique_ptr<QNetworkReply> reply(m_network.get(request));
        QEventLoop loop;
        connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        if (reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt() != 200)
            return {};
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

    // The executions of key once at least `count` are stored (they are committed within 100 ms).
    QJsonArray waitForExecutions(const QString& key, qsizetype count)
    {
        QJsonArray rows;
        for (int attempt = 0; attempt < 150; ++attempt) {
            rows = executions(key).value(QStringLiteral("executions")).toArray();
            if (rows.size() >= count)
                break;
            QTest::qWait(100);
        }
        return rows;
    }

    std::unique_ptr<Kodemon::Test::KodemonProcess> m_kodemon;
    QNetworkAccessManager m_network;

private slots:
    void initTestCase()
    {
        m_kodemon = std::make_unique<Kodemon::Test::KodemonProcess>();
        QVERIFY2(m_kodemon->start(), qPrintable(m_kodemon->output()));
        // The client reads its destination from the environment, as the Python decorator does.
        qputenv("KODEMON_HOST", "localhost");
        qputenv("KODEMON_PORT", QByteArray::number(m_kodemon->udpPort()));
        qputenv("KODEMON_TOKEN", Token);
    }

    void cleanupTestCase() { QCOMPARE(m_kodemon->terminate(), 0); }

    void scopesAreStoredWithTimeAndToken()
    {
        const char* key = "cpp/checkout \"quoted\" \\ tab\t caf\xC3\xA9 \xE2\x98\x83 +&#?%";
        const auto before = epochSeconds();
        for (int i = 0; i < 3; ++i) {
            KODEMON_SCOPE(key);
            std::this_thread::sleep_for(15ms);
        }
        const auto after = epochSeconds();

        const auto rows = waitForExecutions(QString::fromUtf8(key), 3);
        QCOMPARE(rows.size(), 3);
        for (const auto& value : rows) {
            const auto row = value.toObject();
            QCOMPARE(row.value(QStringLiteral("token")).toString(), QString::fromUtf8(Token));
            QVERIFY(row.value(QStringLiteral("execution_time")).toDouble() >= 15.0);
            QVERIFY(row.value(QStringLiteral("execution_time")).toDouble() < 5000.0);
            const auto timestamp = row.value(QStringLiteral("timestamp")).toDouble();
            QCOMPARE(timestamp, std::floor(timestamp)); // whole seconds, as the decorator sends
            QVERIFY(timestamp >= double(before) && timestamp <= double(after));
            QCOMPARE(row.value(QStringLiteral("extra")).toObject(), QJsonObject());
        }
    }

    void scopeTimerObjectAndException()
    {
        {
            const Kodemon::ScopeTimer timer(std::string("cpp/explicit timer"));
        }
        try {
            KODEMON_SCOPE("cpp/throws");
            throw std::runtime_error("declined");
        } catch (const std::runtime_error&) { }
        QCOMPARE(waitForExecutions(QStringLiteral("cpp/explicit timer"), 1).size(), 1);
        const auto rows = waitForExecutions(QStringLiteral("cpp/throws"), 1);
        QCOMPARE(rows.size(), 1);
        QCOMPARE(rows.first().toObject().value(QStringLiteral("extra")).toObject(),
            QJsonObject({ { QStringLiteral("error"), QStringLiteral("exception") } }));
    }

    void manyThreadsShareOneSocket()
    {
        const auto before = Kodemon::Client::stats();
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([] {
                for (int i = 0; i < 100; ++i) {
                    KODEMON_SCOPE("cpp/threads");
                    if (i % 10 == 0)
                        std::this_thread::sleep_for(1ms); // paced: a stock 208 KiB receive buffer must do
                }
            });
        }
        for (auto& thread : threads)
            thread.join();
        const auto after = Kodemon::Client::stats();
        QCOMPARE(after.sent - before.sent, std::uint64_t(400));
        QCOMPARE(after.errors, before.errors);
        QCOMPARE(waitForExecutions(QStringLiteral("cpp/threads"), 400).size(), 400);
    }

    void forkedChildSendsFromItsOwnSocket()
    {
        {
            KODEMON_SCOPE("cpp/fork"); // the parent's socket exists before the fork
        }
        const pid_t child = ::fork();
        if (child == 0) {
            {
                KODEMON_SCOPE("cpp/fork");
            }
            // The child's counters start at zero: exactly its one sample.
            ::_exit(Kodemon::Client::stats().sent == 1 ? 0 : 1);
        }
        QVERIFY(child > 0);
        int status = -1;
        QCOMPARE(::waitpid(child, &status, 0), child);
        QVERIFY(WIFEXITED(status));
        QCOMPARE(WEXITSTATUS(status), 0);
        QCOMPARE(waitForExecutions(QStringLiteral("cpp/fork"), 2).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestCppClient)
#include "tst_cppclient.moc"
