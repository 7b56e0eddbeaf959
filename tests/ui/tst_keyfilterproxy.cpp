// SPDX-License-Identifier: MIT
// Filtering the functions table: case-insensitive substring of the key, and one token.
#include "keyfilterproxy.h"
#include "keylistmodel.h"

#include <QAbstractItemModelTester>
#include <QtTest>

using namespace Kodemon;

class tst_KeyFilterProxy : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void filtersBySubstring_data();
    void filtersBySubstring();
    void filtersByToken();
    void sortsNumbersAsNumbers();

private:
    QStringList visibleKeys() const;

    std::unique_ptr<KeyListModel> m_model;
    std::unique_ptr<KeyFilterProxy> m_proxy;
};

void tst_KeyFilterProxy::init()
{
    m_model = std::make_unique<KeyListModel>();
    m_proxy = std::make_unique<KeyFilterProxy>();
    m_proxy->setSourceModel(m_model.get());
    m_proxy->sort(KeyListModel::KeyColumn);
    const auto add = [](const char* key, const char* token, qint64 calls) {
        return KeyRow { KeyId { QString::fromLatin1(token), QString::fromLatin1(key) }, calls, 0, 1.0, 2.0 };
    };
    m_model->setRows({ add("/srv/app/views.py-fetch_latest", "shop", 9), add("/srv/app/views.py-checkout", "shop", 10),
        add("/srv/app/db/Queries.py-load_cart", "api", 100), add("jobs.py-nightly", "api", 2) });
}

QStringList tst_KeyFilterProxy::visibleKeys() const
{
    QStringList keys;
    for (int row = 0; row < m_proxy->rowCount(); ++row)
        keys.append(m_proxy->index(row, KeyListModel::KeyColumn).data().toString());
    return keys;
}

void tst_KeyFilterProxy::filtersBySubstring_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("rows");
    QTest::newRow("empty shows all") << QString() << 4;
    QTest::newRow("file") << QStringLiteral("views.py") << 2;
    QTest::newRow("case-insensitive") << QStringLiteral("QUERIES") << 1;
    QTest::newRow("function part") << QStringLiteral("-check") << 1;
    QTest::newRow("no match") << QStringLiteral("zzz") << 0;
    QTest::newRow("token is not the key") << QStringLiteral("shop") << 0;
}

void tst_KeyFilterProxy::filtersBySubstring()
{
    QFETCH(QString, text);
    QFETCH(int, rows);
    QAbstractItemModelTester tester(m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_proxy->setText(text);
    QCOMPARE(m_proxy->rowCount(), rows);
    for (const QString& key : visibleKeys())
        QVERIFY(key.contains(text, Qt::CaseInsensitive));
}

void tst_KeyFilterProxy::filtersByToken()
{
    QAbstractItemModelTester tester(m_proxy.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    m_proxy->setToken(QStringLiteral("api"));
    QCOMPARE(visibleKeys(),
        (QStringList { QStringLiteral("/srv/app/db/Queries.py-load_cart"), QStringLiteral("jobs.py-nightly") }));
    m_proxy->setText(QStringLiteral("night"));
    QCOMPARE(visibleKeys(), QStringList { QStringLiteral("jobs.py-nightly") });
    m_proxy->setToken(std::nullopt);
    m_proxy->setText({});
    QCOMPARE(m_proxy->rowCount(), 4);
}

void tst_KeyFilterProxy::sortsNumbersAsNumbers()
{
    m_proxy->sort(KeyListModel::CallsColumn, Qt::DescendingOrder);
    QCOMPARE(m_proxy->index(0, KeyListModel::CallsColumn).data().toString(), QStringLiteral("100"));
    QCOMPARE(m_proxy->index(3, KeyListModel::CallsColumn).data().toString(), QStringLiteral("2"));
}

QTEST_GUILESS_MAIN(tst_KeyFilterProxy)
#include "tst_keyfilterproxy.moc"
