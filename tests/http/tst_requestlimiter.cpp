// SPDX-License-Identifier: MIT
// The request limiter byte by byte: which requests pass, which get 411/413/414/431/400, and what it learns
// about the connection (HTTP/1.0, Connection: close), however the bytes are split into reads.
#include "http/requestlimiter.h"

#include <QtTest>

using namespace Kodemon;
using Verdict = RequestLimiter::Verdict;

Q_DECLARE_METATYPE(Kodemon::RequestLimiter::Verdict)

class tst_RequestLimiter : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void verdicts_data();
    void verdicts();
    void heads_data();
    void heads();
    void bodiesAreSkipped();
    void verdictSticks();
    void chunkedBodies_data();
    void chunkedBodies();
    void chunkedBodiesAreSkipped();
};

namespace {

RequestLimits smallLimits()
{
    RequestLimits limits;
    limits.maxRequestLine = 40;
    limits.maxHeaderBytes = 60;
    limits.maxBodyBytes = 10;
    return limits;
}

// Feeds `bytes` in pieces of `step` bytes, as reads of a socket would deliver them.
Verdict feedInSteps(RequestLimiter& limiter, const QByteArray& bytes, int step)
{
    Verdict verdict = Verdict::Continue;
    for (qsizetype i = 0; i < bytes.size(); i += step)
        verdict = limiter.feed(QByteArrayView(bytes).sliced(i, std::min<qsizetype>(step, bytes.size() - i)));
    return verdict;
}

} // namespace

void tst_RequestLimiter::verdicts_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<Verdict>("verdict");
    const QByteArray line40 = "GET /" + QByteArray(40 - 14, 'a') + " HTTP/1.1"; // exactly 40 bytes
    QCOMPARE(line40.size(), 40);
    QTest::newRow("small get") << QByteArray("GET / HTTP/1.1\r\nHost: x\r\n\r\n") << Verdict::Continue;
    QTest::newRow("line at the limit") << QByteArray(line40 + "\r\n\r\n") << Verdict::Continue;
    QTest::newRow("line one over") << QByteArray("GET /" + QByteArray(27, 'a') + " HTTP/1.1\r\n\r\n")
                                   << Verdict::UriTooLong;
    QTest::newRow("line without end") << QByteArray(100, 'a') << Verdict::UriTooLong;
    QTest::newRow("headers at the limit")
        << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(55, 'h') + "\r\n\r\n") << Verdict::Continue;
    QTest::newRow("headers one over") << QByteArray("GET / HTTP/1.1\r\nX: " + QByteArray(56, 'h') + "\r\n\r\n")
                                      << Verdict::HeadersTooLarge;
    QTest::newRow("small headers at the limit")
        << QByteArray("GET / HTTP/1.1\r\n" + QByteArray("A: b\r\n").repeated(10) + "\r\n") << Verdict::Continue;
    QTest::newRow("many small headers") << QByteArray("GET / HTTP/1.1\r\n" + QByteArray("A: b\r\n").repeated(16))
                                        << Verdict::HeadersTooLarge;
    QTest::newRow("body at the limit") << QByteArray("POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789")
                                       << Verdict::Continue;
    QTest::newRow("body too large") << QByteArray("POST / HTTP/1.1\r\ncontent-length: 11\r\n\r\n")
                                    << Verdict::BodyTooLarge;
    QTest::newRow("chunked body") << QByteArray("POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n")
                                  << Verdict::LengthRequired;
    QTest::newRow("bad length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: ten\r\n\r\n") << Verdict::BadRequest;
    QTest::newRow("negative length") << QByteArray("POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n")
                                     << Verdict::BadRequest;
    QTest::newRow("bare LF lines") << QByteArray("GET / HTTP/1.1\nHost: x\n\n") << Verdict::Continue;
    QTest::newRow("empty lines before a request") << QByteArray("\r\n\r\nGET / HTTP/1.1\r\n\r\n") << Verdict::Continue;
    QTest::newRow("second request too long")
        << QByteArray("GET / HTTP/1.1\r\n\r\nGET /" + QByteArray(60, 'b') + " HTTP/1.1\r\n\r\n") << Verdict::UriTooLong;
}

void tst_RequestLimiter::verdicts()
{
    QFETCH(QByteArray, bytes);
    QFETCH(Verdict, verdict);
    for (int step : { 1, 3, 7, int(bytes.size()) }) {
        RequestLimiter limiter(smallLimits());
        QCOMPARE(feedInSteps(limiter, bytes, step), verdict);
    }
}

void tst_RequestLimiter::heads_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<bool>("http10");
    QTest::addColumn<bool>("close");
    QTest::newRow("1.1 keeps alive") << QByteArray("GET / HTTP/1.1\r\n\r\n") << false << false;
    QTest::newRow("1.1 close") << QByteArray("GET / HTTP/1.1\r\nConnection: Close\r\n\r\n") << false << true;
    QTest::newRow("1.1 close in a list") << QByteArray("GET / HTTP/1.1\r\nconnection: te, close\r\n\r\n") << false
                                         << true;
    QTest::newRow("1.0 closes") << QByteArray("GET / HTTP/1.0\r\n\r\n") << true << true;
    QTest::newRow("1.0 keep-alive") << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << true << false;
    QTest::newRow("last head counts") << QByteArray("GET / HTTP/1.1\r\nConnection: close\r\n\r\nGET / HTTP/1.1\r\n\r\n")
                                      << false << false;
}

void tst_RequestLimiter::heads()
{
    QFETCH(QByteArray, bytes);
    QFETCH(bool, http10);
    QFETCH(bool, close);
    RequestLimiter limiter;
    QCOMPARE(limiter.feed(bytes), Verdict::Continue);
    QVERIFY(limiter.completedHeads() >= 1);
    QCOMPARE(limiter.lastHead().http10, http10);
    QCOMPARE(limiter.lastHead().closeRequested, close);
}

void tst_RequestLimiter::bodiesAreSkipped()
{
    // A body full of newlines and long "lines" must not count as request lines or headers.
    RequestLimiter limiter(smallLimits());
    const QByteArray body = "\n\n\n\naaaaa\n";
    QCOMPARE(body.size(), 10);
    QCOMPARE(feedInSteps(limiter, "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\n" + body, 4), Verdict::Continue);
    QCOMPARE(limiter.feed("GET / HTTP/1.0\r\n\r\n"), Verdict::Continue);
    QCOMPARE(limiter.completedHeads(), 2);
    QVERIFY(limiter.lastHead().http10);
}

void tst_RequestLimiter::verdictSticks()
{
    RequestLimiter limiter(smallLimits());
    QCOMPARE(limiter.feed(QByteArray(50, 'x')), Verdict::UriTooLong);
    QCOMPARE(limiter.feed("\r\n\r\nGET / HTTP/1.1\r\n\r\n"), Verdict::UriTooLong);
    QCOMPARE(limiter.verdict(), Verdict::UriTooLong);
}

// With allowChunked (the OTLP receiver), chunked bodies are followed chunk by chunk and held to maxBodyBytes.
void tst_RequestLimiter::chunkedBodies_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<Verdict>("verdict");
    const QByteArray head = "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n";
    QTest::newRow("one chunk") << QByteArray(head + "5\r\nhello\r\n0\r\n\r\n") << Verdict::Continue;
    QTest::newRow("chunks at the limit") << QByteArray(head + "5\r\nhello\r\n5;ext=1\r\nworld\r\n0\r\n\r\n")
                                         << Verdict::Continue;
    QTest::newRow("chunks one over") << QByteArray(head + "5\r\nhello\r\n6\r\nworlds\r\n0\r\n\r\n")
                                     << Verdict::BodyTooLarge;
    QTest::newRow("one huge chunk size") << QByteArray(head + "ffffffffff\r\n") << Verdict::BodyTooLarge;
    QTest::newRow("hex upper case") << QByteArray(head + "A\r\n0123456789\r\n0\r\n\r\n") << Verdict::Continue;
    QTest::newRow("trailers") << QByteArray(head + "1\r\nx\r\n0\r\nX-Check: 1\r\n\r\n") << Verdict::Continue;
    QTest::newRow("bad chunk size") << QByteArray(head + "zz\r\n") << Verdict::BadRequest;
    QTest::newRow("negative chunk size") << QByteArray(head + "-5\r\n") << Verdict::BadRequest;
    QTest::newRow("chunk longer than said") << QByteArray(head + "1\r\nxy\r\n") << Verdict::BadRequest;
    QTest::newRow("endless chunk size line") << QByteArray(head + QByteArray(2000, '0')) << Verdict::BadRequest;
    QTest::newRow("then another request") << QByteArray(head + "2\r\nhi\r\n0\r\n\r\nGET /" + QByteArray(60, 'b')
                                                  + " HTTP/1.1\r\n\r\n")
                                          << Verdict::UriTooLong;
}

void tst_RequestLimiter::chunkedBodies()
{
    QFETCH(QByteArray, bytes);
    QFETCH(Verdict, verdict);
    RequestLimits limits = smallLimits();
    limits.allowChunked = true;
    for (int step : { 1, 3, 7, int(bytes.size()) }) {
        RequestLimiter limiter(limits);
        QCOMPARE(feedInSteps(limiter, bytes, step), verdict);
    }
}

void tst_RequestLimiter::chunkedBodiesAreSkipped()
{
    RequestLimits limits = smallLimits();
    limits.allowChunked = true;
    RequestLimiter limiter(limits);
    QCOMPARE(feedInSteps(limiter, "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n4\r\n\n\n\n\n\r\n0\r\n\r\n", 2),
        Verdict::Continue);
    QCOMPARE(limiter.feed("GET / HTTP/1.0\r\n\r\n"), Verdict::Continue);
    QCOMPARE(limiter.completedHeads(), 2);
    QVERIFY(limiter.lastHead().http10);
}

QTEST_GUILESS_MAIN(tst_RequestLimiter)
#include "tst_requestlimiter.moc"
