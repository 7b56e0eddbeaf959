// SPDX-License-Identifier: MIT
// API tokens and their scopes, without a network: which specifications and files are accepted (and that an
// error never repeats the secret), which Authorization headers are granted, which addresses need a token, and
// that a scoped SQLite reader knows nothing of other tokens' series.
#include "http/apitokens.h"
#include "sqlite/sqlitestore.h"

#include <QHostAddress>
#include <QTemporaryDir>
#include <QtTest>

using namespace Kodemon;
using Outcome = ApiTokens::Outcome;

Q_DECLARE_METATYPE(Kodemon::ApiTokens::Outcome)

class tst_ApiTokens : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void specs_data();
    void specs();
    void errorsNeverRepeatTheSecret();
    void files();
    void fileErrorsNameTheLine();
    void authorization_data();
    void authorization();
    void scopesAreDistinct();
    void readScope();
    void exposure_data();
    void exposure();
    void scopedReaderSeesOnlyItsTokens();
};

namespace {

const QString Admin = QStringLiteral("admin-0123456789abcdef");
const QString Shop = QStringLiteral("shop-0123456789abcdef");

ApiTokens configured()
{
    ApiTokens tokens;
    [&] {
        QVERIFY(tokens.addSpec(Admin, QStringLiteral("test")).ok());
        QVERIFY(tokens.addSpec(Shop + QStringLiteral(":shop, blog"), QStringLiteral("test")).ok());
    }();
    return tokens;
}

} // namespace

void tst_ApiTokens::specs_data()
{
    QTest::addColumn<QString>("spec");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QStringList>("scope"); // the tokens of a restricted scope; empty: unrestricted
    QTest::newRow("plain") << Admin << true << QStringList();
    QTest::newRow("hex from openssl") << QStringLiteral("9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c") << true
                                      << QStringList();
    QTest::newRow("every allowed character") << QStringLiteral("Az09-._~+/Az09-._~+/==") << true << QStringList();
    QTest::newRow("one token") << Shop + QStringLiteral(":shop") << true << QStringList { QStringLiteral("shop") };
    QTest::newRow("two tokens, sorted") << Shop + QStringLiteral(":shop,blog") << true
                                        << QStringList { QStringLiteral("blog"), QStringLiteral("shop") };
    QTest::newRow("tokens with spaces inside") << Shop + QStringLiteral(":my shop , blog") << true
                                               << QStringList { QStringLiteral("blog"), QStringLiteral("my shop") };
    QTest::newRow("SQL in a token is just a name")
        << Shop + QStringLiteral(":' OR 1=1 --,%,_") << true
        << QStringList { QStringLiteral("%"), QStringLiteral("' OR 1=1 --"), QStringLiteral("_") };
    QTest::newRow("15 characters") << QStringLiteral("0123456789abcde") << false << QStringList();
    QTest::newRow("empty") << QString() << false << QStringList();
    QTest::newRow("a space") << QStringLiteral("0123456789 abcdef") << false << QStringList();
    QTest::newRow("a quote") << QStringLiteral("0123456789\"abcdef") << false << QStringList();
    QTest::newRow("non-ASCII") << QString::fromUtf8("0123456789abcdéf") << false << QStringList();
    QTest::newRow("= inside") << QStringLiteral("0123456789=abcdef") << false << QStringList();
    QTest::newRow("empty token list") << Shop + QStringLiteral(":") << false << QStringList();
    QTest::newRow("empty item") << Shop + QStringLiteral(":shop,,blog") << false << QStringList();
    QTest::newRow("trailing comma") << Shop + QStringLiteral(":shop,") << false << QStringList();
}

void tst_ApiTokens::specs()
{
    QFETCH(QString, spec);
    QFETCH(bool, valid);
    QFETCH(QStringList, scope);
    ApiTokens tokens;
    const auto status = tokens.addSpec(spec, QStringLiteral("--api-token"));
    QCOMPARE(status.ok(), valid);
    if (!valid) {
        QVERIFY(tokens.isEmpty());
        QVERIFY2(status.error().startsWith(u"--api-token: "), qPrintable(status.error()));
        return;
    }
    QCOMPARE(tokens.scopes().size(), 1);
    QCOMPARE(tokens.scopes().first().isRestricted(), !scope.isEmpty());
    QCOMPARE(tokens.scopes().first().tokens(), scope);
}

void tst_ApiTokens::errorsNeverRepeatTheSecret()
{
    const QString secret = QStringLiteral("secret-with a space-0123456789");
    ApiTokens tokens;
    auto status = tokens.addSpec(secret, QStringLiteral("KODEMON_API_TOKEN"));
    QVERIFY(!status.ok());
    QVERIFY(!status.error().contains(u"secret-with"));
    QVERIFY(tokens.addSpec(Admin, QStringLiteral("a")).ok());
    status = tokens.addSpec(Admin + QStringLiteral(":shop"), QStringLiteral("b"));
    QVERIFY2(!status.ok() && status.error().contains(u"twice"), "the same secret twice is refused");
    QVERIFY(!status.error().contains(Admin));
}

void tst_ApiTokens::files()
{
    ApiTokens tokens;
    const QString text = QStringLiteral("# Kodemon API tokens\r\n"
                                        "\r\n"
                                        "%1\r\n"
                                        "   %2   shop,blog   \r\n"
                                        "only-blog-0123456789\tblog\n"
                                        "  # indented comment\n")
                             .arg(Admin, Shop);
    const auto status = tokens.addFile(text, QStringLiteral("tokens.txt"));
    QVERIFY2(status.ok(), qPrintable(status.ok() ? QString() : status.error()));
    QCOMPARE(tokens.size(), 3);
    QCOMPARE(tokens.scopes().size(), 3);
    QCOMPARE(tokens.check(QByteArray("Bearer " + Shop.toLatin1())).scope.tokens(),
        (QStringList { QStringLiteral("blog"), QStringLiteral("shop") }));
    QCOMPARE(tokens.check("Bearer only-blog-0123456789").scope.tokens(), QStringList { QStringLiteral("blog") });
    QVERIFY(!tokens.check(QByteArray("Bearer " + Admin.toLatin1())).scope.isRestricted());
}

void tst_ApiTokens::fileErrorsNameTheLine()
{
    ApiTokens tokens;
    const auto status = tokens.addFile(QStringLiteral("%1\n# fine\ntoo-short\n").arg(Admin), QStringLiteral("t.txt"));
    QVERIFY(!status.ok());
    QVERIFY2(status.error().startsWith(u"t.txt line 3: "), qPrintable(status.error()));
    QVERIFY(!status.error().contains(u"too-short"));
}

void tst_ApiTokens::authorization_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<Outcome>("outcome");
    QTest::addColumn<bool>("restricted");
    const QByteArray admin = Admin.toLatin1();
    QTest::newRow("admin") << QByteArray("Bearer " + admin) << Outcome::Granted << false;
    QTest::newRow("scoped") << QByteArray("Bearer " + Shop.toLatin1()) << Outcome::Granted << true;
    QTest::newRow("scheme in any case") << QByteArray("bEaReR " + admin) << Outcome::Granted << false;
    QTest::newRow("extra spaces") << QByteArray("  Bearer    " + admin + "  ") << Outcome::Granted << false;
    QTest::newRow("absent") << QByteArray() << Outcome::Missing << false;
    QTest::newRow("Basic") << QByteArray("Basic YWRtaW46YWRtaW4=") << Outcome::Missing << false;
    QTest::newRow("Bearer alone") << QByteArray("Bearer") << Outcome::Missing << false;
    QTest::newRow("Bearer, no secret") << QByteArray("Bearer ") << Outcome::Missing << false;
    QTest::newRow("secret without scheme") << admin << Outcome::Missing << false;
    QTest::newRow("wrong") << QByteArray("Bearer admin-0123456789abcdeF") << Outcome::Invalid << false;
    QTest::newRow("prefix") << QByteArray("Bearer " + admin.chopped(1)) << Outcome::Invalid << false;
    QTest::newRow("longer") << QByteArray("Bearer " + admin + "0") << Outcome::Invalid << false;
    QTest::newRow("scope appended") << QByteArray("Bearer " + Shop.toLatin1() + ":shop") << Outcome::Invalid << false;
    QTest::newRow("two secrets") << QByteArray("Bearer " + admin + " " + admin) << Outcome::Invalid << false;
    QTest::newRow("binary") << QByteArray("Bearer \x00\xff\x01", 10) << Outcome::Invalid << false;
}

void tst_ApiTokens::authorization()
{
    QFETCH(QByteArray, header);
    QFETCH(Outcome, outcome);
    QFETCH(bool, restricted);
    const auto verdict = configured().check(header);
    QCOMPARE(verdict.outcome, outcome);
    QCOMPARE(verdict.scope.isRestricted(), restricted);
}

void tst_ApiTokens::scopesAreDistinct()
{
    ApiTokens tokens;
    QVERIFY(tokens.addSpec(QStringLiteral("a-0123456789abcdef:shop,blog"), {}).ok());
    QVERIFY(tokens.addSpec(QStringLiteral("b-0123456789abcdef:blog,shop,shop"), {}).ok());
    QVERIFY(tokens.addSpec(QStringLiteral("c-0123456789abcdef"), {}).ok());
    QVERIFY(tokens.addSpec(QStringLiteral("d-0123456789abcdef"), {}).ok());
    QCOMPARE(tokens.size(), 4);
    QCOMPARE(tokens.scopes().size(), 2);
}

void tst_ApiTokens::readScope()
{
    const ReadScope every;
    QVERIFY(!every.isRestricted());
    QVERIFY(every.allows(QStringLiteral("anything")));
    QVERIFY(every.allows(QString()));
    const auto some = ReadScope::only({ QStringLiteral("shop"), QStringLiteral("%"), QStringLiteral("shop") });
    QVERIFY(some.isRestricted());
    QCOMPARE(some.tokens(), (QStringList { QStringLiteral("%"), QStringLiteral("shop") }));
    QVERIFY(some.allows(QStringLiteral("shop")));
    QVERIFY(some.allows(QStringLiteral("%")));
    for (const char* other : { "Shop", "shop ", "sho", "shopx", "", "_", "*" })
        QVERIFY2(!some.allows(QString::fromLatin1(other)), other);
    QVERIFY(!ReadScope::only({}).allows(QString()));
    QVERIFY(some == ReadScope::only({ QStringLiteral("shop"), QStringLiteral("%") }));
    QVERIFY(some != every);
}

void tst_ApiTokens::exposure_data()
{
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("tokens");
    QTest::addColumn<bool>("insecure");
    QTest::addColumn<bool>("refused");
    QTest::newRow("127.0.0.1") << QStringLiteral("127.0.0.1") << false << false << false;
    QTest::newRow("127.0.0.2") << QStringLiteral("127.0.0.2") << false << false << false;
    QTest::newRow("::1") << QStringLiteral("::1") << false << false << false;
    QTest::newRow("0.0.0.0") << QStringLiteral("0.0.0.0") << false << false << true;
    QTest::newRow("::") << QStringLiteral("::") << false << false << true;
    QTest::newRow("LAN") << QStringLiteral("192.168.1.20") << false << false << true;
    QTest::newRow("IPv6 LAN") << QStringLiteral("fe80::1") << false << false << true;
    QTest::newRow("0.0.0.0 with a token") << QStringLiteral("0.0.0.0") << true << false << false;
    QTest::newRow("0.0.0.0 insecure") << QStringLiteral("0.0.0.0") << false << true << false;
}

void tst_ApiTokens::exposure()
{
    QFETCH(QString, address);
    QFETCH(bool, tokens);
    QFETCH(bool, insecure);
    QFETCH(bool, refused);
    const auto problem = httpExposureProblem(QHostAddress(address), tokens, insecure);
    QCOMPARE(problem.has_value(), refused);
    if (refused) {
        QVERIFY2(problem->contains(address) && problem->contains(u"--http-insecure")
                && problem->contains(u"KODEMON_API_TOKEN"),
            qPrintable(*problem));
    }
}

void tst_ApiTokens::scopedReaderSeesOnlyItsTokens()
{
    QTemporaryDir dir;
    SqliteStore store(dir.filePath(QStringLiteral("scoped.sqlite")));
    QVERIFY(store.open().ok());
    const QString shared = QStringLiteral("views.py-list");
    QList<Sample> batch;
    for (const auto& token : { QStringLiteral("shop"), QStringLiteral("blog"), QStringLiteral("other"), QString() })
        for (int i = 0; i < 10; ++i)
            batch.append({ token, shared, 100.0 + i, token.size() + 0.5, 0, {} });
    batch.append({ QStringLiteral("other"), QStringLiteral("secret.py-f"), 100, 1, 0, {} });
    QVERIFY(store.createWriter()->write(batch).ok());

    const auto reader = store.createScopedReader(ReadScope::only({ QStringLiteral("shop"), QStringLiteral("blog") }));
    QVERIFY(reader);
    const auto series = reader->listSeries(std::nullopt);
    QCOMPARE(series->size(), 2);
    for (const auto& info : *series)
        QVERIFY(info.id.token == u"shop" || info.id.token == u"blog");
    QVERIFY(reader->listSeries(QStringLiteral("other"))->isEmpty());

    SeriesSelector all { shared, std::nullopt, {} };
    const auto page = reader->samples(all, {}, 1000);
    QCOMPARE(page->samples.size(), 20);
    for (const auto& sample : page->samples)
        QVERIFY(sample.token == u"shop" || sample.token == u"blog");
    QCOMPARE(reader->stats(all)->count, 20);
    QCOMPARE(reader->stats(all)->max, 4.5);
    qint64 bucketed = 0;
    const auto buckets = reader->buckets(all, 7); // kept: a range-for over a temporary's member reads freed memory
    for (const auto& bucket : buckets->buckets)
        bucketed += bucket.count;
    QCOMPARE(bucketed, 20);

    // Another token's series, or a key only another token sent, is exactly as absent as a key nobody sent.
    const auto unscoped = store.createReader();
    for (const auto& [key, token] : { std::pair { shared, std::optional<QString>(QStringLiteral("other")) },
             std::pair { QStringLiteral("secret.py-f"), std::optional<QString>() } }) {
        const SeriesSelector selector { key, token, {} };
        QVERIFY(unscoped->stats(selector).ok());
        const auto stats = reader->stats(selector);
        QVERIFY(!stats.ok());
        QCOMPARE(stats.errorKind(), ErrorKind::NotFound);
        const auto never = unscoped->stats(SeriesSelector { QStringLiteral("never"), token, {} });
        QCOMPARE(stats.error(), QString(never.error()).replace(QStringLiteral("never"), key));
        QCOMPARE(reader->samples(selector, {}, 10).error(), stats.error());
        QCOMPARE(reader->buckets(selector, 10).error(), stats.error());
    }
}

QTEST_GUILESS_MAIN(tst_ApiTokens)
#include "tst_apitokens.moc"
