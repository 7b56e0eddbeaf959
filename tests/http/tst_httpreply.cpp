// SPDX-License-Identifier: MIT
// The HTTP answer helpers: every error kind maps to a status a client can act on, with its own reason phrase.
#include "http/httpreply.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

using namespace Kodemon;

class tst_HttpReply : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void statusForEveryKind_data();
    void statusForEveryKind();
    void errorReplyNamesTheStatus();
};

void tst_HttpReply::statusForEveryKind_data()
{
    QTest::addColumn<ErrorKind>("kind");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("phrase");
    QTest::newRow("invalid") << ErrorKind::Invalid << 400 << QByteArray("Bad Request");
    QTest::newRow("not found") << ErrorKind::NotFound << 404 << QByteArray("Not Found");
    QTest::newRow("storage full") << ErrorKind::StorageFull << 507 << QByteArray("Insufficient Storage");
    QTest::newRow("failed") << ErrorKind::Failed << 500 << QByteArray("Internal Server Error");
}

void tst_HttpReply::statusForEveryKind()
{
    QFETCH(ErrorKind, kind);
    QFETCH(int, status);
    QFETCH(QByteArray, phrase);
    QCOMPARE(statusFor(kind), status);
    QCOMPARE(reasonPhrase(status), phrase);
    const QByteArray statusLine = "HTTP/1.1 " + QByteArray::number(status) + ' ' + phrase + "\r\n";
    QVERIFY(responseHead(status, {}).startsWith(statusLine));
}

void tst_HttpReply::errorReplyNamesTheStatus()
{
    const Reply reply = errorReply(507, QStringLiteral("database or disk is full"));
    QCOMPARE(reply.status, 507);
    const QJsonObject body = QJsonDocument::fromJson(reply.body).object();
    QCOMPARE(body.value(QLatin1String("error")).toString(), QStringLiteral("insufficient storage"));
    QCOMPARE(body.value(QLatin1String("detail")).toString(), QStringLiteral("database or disk is full"));
}

QTEST_GUILESS_MAIN(tst_HttpReply)
#include "tst_httpreply.moc"
