// SPDX-License-Identifier: MIT
// The custom baseline dialog: proposes the range it is given, reads back what is entered, refuses a range that
// ends before it starts.
#include "baselinedialog.h"

#include <QDateTimeEdit>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QtTest>

using namespace Kodemon;

class tst_BaselineDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void proposesAndReadsBack();
    void refusesAReversedRange();
};

void tst_BaselineDialog::proposesAndReadsBack()
{
    BaselineDialog dialog(TimeRange { 1795527000, 1795530600 });
    QCOMPARE(dialog.range().from.value(), 1795527000.0);
    QCOMPARE(dialog.range().to.value(), 1795530600.0);
    dialog.fromEdit()->setDateTime(QDateTime::fromSecsSinceEpoch(1795000000));
    QCOMPARE(dialog.range().from.value(), 1795000000.0);
    QVERIFY(dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
}

void tst_BaselineDialog::refusesAReversedRange()
{
    BaselineDialog dialog(TimeRange { 1795527000, 1795530600 });
    dialog.toEdit()->setDateTime(QDateTime::fromSecsSinceEpoch(1795527000));
    QVERIFY(!dialog.findChild<QDialogButtonBox*>()->button(QDialogButtonBox::Ok)->isEnabled());
    auto* problem = dialog.findChildren<QLabel*>().last();
    QVERIFY(!problem->isHidden());
    QCOMPARE(problem->text(), QStringLiteral("The baseline must start before it ends."));
}

QTEST_MAIN(tst_BaselineDialog)
#include "tst_baselinedialog.moc"
