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
    void remembersWhatItElidedPerFont();
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

void tst_KeyDelegate::remembersWhatItElidedPerFont()
{
    const QString key = QStringLiteral("/srv/shop/app/views.py-product_detail");
    const QFont small(QStringLiteral("DejaVu Sans"), 8);
    const QFont large(QStringLiteral("DejaVu Sans"), 14);
    const int width = QFontMetrics(small).horizontalAdvance(QStringLiteral("/srv/…/app/views.py-product_detail"));
    KeyDelegate delegate;
    for (int repaint = 0; repaint < 2; ++repaint) { // the second time from what it remembered
        QCOMPARE(delegate.elided(key, small, width), KeyDelegate::elide(key, QFontMetrics(small), width));
        QCOMPARE(delegate.elided(key, small, width * 2), key);
    }
    // A new font is measured again, never served from the old one's widths.
    QCOMPARE(delegate.elided(key, large, width), KeyDelegate::elide(key, QFontMetrics(large), width));
    QVERIFY(delegate.elided(key, large, width) != delegate.elided(key, small, width));
}

QTEST_MAIN(tst_KeyDelegate)
#include "tst_keydelegate.moc"
