// SPDX-License-Identifier: MIT
// What each HTTP outcome becomes for the viewer: the error kind the query layer expects, and words that name
// the server and say what to do.
#include "remote/remoteerror.h"

#include <QtTest>

using namespace Kodemon;
using Failure = HttpOutcome::Failure;

Q_DECLARE_METATYPE(Kodemon::HttpOutcome::Failure)
Q_DECLARE_METATYPE(Kodemon::ErrorKind)

namespace {

const QString Server = QStringLiteral("http://collector.example:4000");

QByteArray kodemonError(const char* error, const char* detail, const char* parameter = nullptr)
{
    QByteArray json = QByteArray("{\"error\":\"") + error + "\",\"detail\":\"" + detail + '"';
    if (parameter)
        json += QByteArray(",\"parameter\":\"") + parameter + '"';
    return json + '}';
}

} // namespace

class tst_RemoteError : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void mapping_data();
    void mapping();
    void okIsNoError();
};

void tst_RemoteError::mapping_data()
{
    QTest::addColumn<Failure>("failure");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<bool>("tokenSent");
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<QString>("message");

    const QByteArray none;
    QTest::newRow("refused") << Failure::Refused << 0 << none << false << ErrorKind::Failed
                             << QStringLiteral("cannot reach http://collector.example:4000: connection refused (is "
                                               "Kodemon running there?)");
    QTest::newRow("host not found") << Failure::HostNotFound << 0 << none << false << ErrorKind::Failed
                                    << QStringLiteral("cannot reach http://collector.example:4000: host not found");
    QTest::newRow("timeout") << Failure::Timeout << 0 << none << false << ErrorKind::Failed
                             << QStringLiteral("http://collector.example:4000 did not answer in time");
    QTest::newRow("tls") << Failure::Tls << 0 << none << false << ErrorKind::Failed
                         << QStringLiteral("cannot reach http://collector.example:4000: the TLS connection failed: "
                                           "network says why");
    QTest::newRow("other") << Failure::Other << 0 << none << false << ErrorKind::Failed
                           << QStringLiteral("cannot reach http://collector.example:4000: network says why");
    QTest::newRow("400 with parameter") << Failure::None << 400
                                        << kodemonError("bad request", "\\\"yesterday\\\" is not a time", "from")
                                        << false << ErrorKind::Invalid
                                        << QStringLiteral("\"yesterday\" is not a time (parameter \"from\")");
    QTest::newRow("400 without parameter") << Failure::None << 400 << kodemonError("bad request", "range reversed")
                                           << false << ErrorKind::Invalid << QStringLiteral("range reversed");
    QTest::newRow("404 from Kodemon") << Failure::None << 404
                                      << kodemonError("not found", "no samples of key \\\"x\\\"") << false
                                      << ErrorKind::NotFound << QStringLiteral("no samples of key \"x\"");
    QTest::newRow("404 from something else")
        << Failure::None << 404 << QByteArray("<html>nope</html>") << false << ErrorKind::Failed
        << QStringLiteral("http://collector.example:4000 answered 404 Not Found: is it a Kodemon?");
    QTest::newRow("401 without token") << Failure::None << 401 << kodemonError("unauthorized", "needs an API token")
                                       << false << ErrorKind::Failed
                                       << QStringLiteral(
                                              "http://collector.example:4000 wants an API token: pass --api-token");
    QTest::newRow("401 with token") << Failure::None << 401 << kodemonError("unauthorized", "unknown token") << true
                                    << ErrorKind::Failed
                                    << QStringLiteral("http://collector.example:4000 refused the API token: check "
                                                      "--api-token");
    QTest::newRow("403") << Failure::None << 403 << kodemonError("forbidden", "not your token") << true
                         << ErrorKind::Failed
                         << QStringLiteral("http://collector.example:4000 does not let this API token read that: not "
                                           "your token");
    QTest::newRow("500") << Failure::None << 500 << kodemonError("internal server error", "disk I/O error") << false
                         << ErrorKind::Failed << QStringLiteral("http://collector.example:4000 failed: disk I/O error");
    QTest::newRow("502 from a proxy") << Failure::None << 502 << QByteArray("Bad Gateway") << false << ErrorKind::Failed
                                      << QStringLiteral("http://collector.example:4000 failed: HTTP 502");
    QTest::newRow("503") << Failure::None << 503 << kodemonError("service unavailable", "too many connections") << false
                         << ErrorKind::Failed
                         << QStringLiteral("http://collector.example:4000 is busy: too many connections");
    QTest::newRow("418") << Failure::None << 418 << QByteArray() << false << ErrorKind::Failed
                         << QStringLiteral("http://collector.example:4000 answered HTTP 418");
}

void tst_RemoteError::mapping()
{
    QFETCH(Failure, failure);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(bool, tokenSent);
    const HttpOutcome outcome { failure, QStringLiteral("network says why"), status, body };
    const auto error = remoteError(outcome, Server, tokenSent);
    QVERIFY(error);
    QTEST(error->kind, "kind");
    QTEST(error->message, "message");
}

void tst_RemoteError::okIsNoError()
{
    QVERIFY(!remoteError(HttpOutcome { Failure::None, {}, 200, QByteArray("{}") }, Server, false));
}

QTEST_GUILESS_MAIN(tst_RemoteError)
#include "tst_remoteerror.moc"
