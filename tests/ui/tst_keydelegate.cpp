// SPDX-License-Identifier: MIT
// Long keys are shortened in the middle of the path, keeping the file and function readable.
#include "keydelegate.h"

#include <QFontMetrics>
#include <QtTest>

using namespace Kodemon;

class tst_KeyDelegate : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void elides_data();
    void elides();
};

void tst_KeyDelegate::elides_data()
{
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("room"); // the width of this text is what there is
    QTest::addColumn<QString>("shown");
    const QString key = QStringLiteral("/srv/shop/app/views.py-product_detail");
    QTest::newRow("fits") << key << key << key;
    QTest::newRow("drops the middle folders") << key << QStringLiteral("/srv/…/app/views.py-product_detail")
                                              << QStringLiteral("/srv/…/app/views.py-product_detail");
    QTest::newRow("keeps the file and function")
        << key << QStringLiteral("/srv/…/views.py-product_detail") << QStringLiteral("/srv/…/views.py-product_detail");
    QTest::newRow("then drops the first folder")
        << key << QStringLiteral("…/views.py-product_detail") << QStringLiteral("…/views.py-product_detail");
    QTest::newRow("relative paths") << QStringLiteral("app/deep/nested/work.py-run")
                                    << QStringLiteral("app/…/work.py-run") << QStringLiteral("app/…/work.py-run");
}

void tst_KeyDelegate::elides()
{
    QFETCH(QString, key);
    QFETCH(QString, room);
    QFETCH(QString, shown);
    const QFontMetrics metrics(QFont(QStringLiteral("DejaVu Sans"), 10));
    QCOMPARE(KeyDelegate::elide(key, metrics, metrics.horizontalAdvance(room)), shown);
}

QTEST_MAIN(tst_KeyDelegate)
#include "tst_keydelegate.moc"
