// SPDX-License-Identifier: MIT
// The Settings dialog: shows what is in effect, returns what was chosen, refuses what cannot work.
#include "settingsdialog.h"

#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QtTest>

using namespace Kodemon;

namespace {

ConnectionSettings current()
{
    return ConnectionSettings { QHostAddress(QStringLiteral("127.0.0.1")), 4000,
        QHostAddress(QStringLiteral("0.0.0.0")), 8080, QStringLiteral("/tmp/k.sqlite") };
}

} // namespace

class tst_SettingsDialog : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsAndReturnsTheSettings();
    void refusesWhatCannotWork_data();
    void refusesWhatCannotWork();
    void showsTheStorageWhenGiven();
};

void tst_SettingsDialog::showsAndReturnsTheSettings()
{
    SettingsDialog dialog(current());
    QCOMPARE(dialog.settings(), current());
    auto boxes = dialog.findChildren<QSpinBox*>();
    QCOMPARE(boxes.size(), 2);
    boxes.at(0)->setValue(5000);
    const ConnectionSettings chosen = dialog.settings();
    QCOMPARE(chosen.udpPort, quint16(5000));
    QCOMPARE(chosen.httpPort, quint16(8080));
    QCOMPARE(chosen.httpAddress, QHostAddress(QHostAddress::AnyIPv4));
}

void tst_SettingsDialog::refusesWhatCannotWork_data()
{
    QTest::addColumn<QString>("udpAddress");
    QTest::addColumn<QString>("database");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("fine") << QStringLiteral("0.0.0.0") << QStringLiteral("/tmp/x.sqlite") << true;
    QTest::newRow("IPv6") << QStringLiteral("::1") << QStringLiteral("/tmp/x.sqlite") << true;
    QTest::newRow("a host name") << QStringLiteral("example.org") << QStringLiteral("/tmp/x.sqlite") << false;
    QTest::newRow("a bare number") << QStringLiteral("45678") << QStringLiteral("/tmp/x.sqlite") << false;
    QTest::newRow("no database") << QStringLiteral("127.0.0.1") << QString() << false;
}

void tst_SettingsDialog::refusesWhatCannotWork()
{
    QFETCH(QString, udpAddress);
    QFETCH(QString, database);
    QFETCH(bool, accepted);
    SettingsDialog dialog(current());
    dialog.show();
    dialog.findChildren<QComboBox*>().at(0)->setCurrentText(udpAddress);
    for (QLineEdit* edit : dialog.findChildren<QLineEdit*>()) {
        if (edit->text() == QStringLiteral("/tmp/k.sqlite"))
            edit->setText(database);
    }
    dialog.accept();
    QCOMPARE(dialog.result() == QDialog::Accepted, accepted);
    QCOMPARE(dialog.isVisible(), !accepted);
    bool errorShown = false;
    for (const QLabel* label : dialog.findChildren<QLabel*>())
        errorShown = errorShown || (label->isVisible() && label->styleSheet().contains(QStringLiteral("#b00020")));
    QCOMPARE(errorShown, !accepted);
}

void tst_SettingsDialog::showsTheStorageWhenGiven()
{
    SettingsDialog dialog(current());
    QCOMPARE(dialog.storageText(), QString()); // a remote or ClickHouse window has nothing to say
    dialog.setStorage(QStringLiteral("Keeps every call for 30 days.\nOldest call kept: <now>."));
    dialog.show();
    QVERIFY(QTest::qWaitForWindowExposed(&dialog));
    const QString shown = dialog.storageText();
    QVERIFY2(shown.contains(QStringLiteral("Keeps every call for 30 days.<br>Oldest call kept: &lt;now&gt;.")),
        qPrintable(shown));
    QVERIFY(dialog.findChild<QLabel*>(QStringLiteral("storage"))->isVisible());
}

QTEST_MAIN(tst_SettingsDialog)
#include "tst_settingsdialog.moc"
