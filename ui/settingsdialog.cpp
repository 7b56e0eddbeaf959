// SPDX-License-Identifier: MIT
#include "settingsdialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>

namespace Kodemon {

SettingsDialog::SettingsDialog(const ConnectionSettings& current, QWidget* parent)
    : QDialog(parent)
    , m_udpAddress(makeAddressBox(current.udpAddress))
    , m_udpPort(makePortBox(current.udpPort))
    , m_httpAddress(makeAddressBox(current.httpAddress))
    , m_httpPort(makePortBox(current.httpPort))
    , m_database(new QLineEdit(current.databasePath))
    , m_error(new QLabel)
    , m_storage(new QLabel)
{
    setWindowTitle(tr("Kodemon Settings"));
    m_error->setWordWrap(true);
    m_error->setStyleSheet(QStringLiteral("color: #b00020;"));
    m_error->hide();
    auto* form = new QFormLayout;
    form->addRow(tr("UDP &address:"), m_udpAddress);
    form->addRow(tr("UDP &port:"), m_udpPort);
    form->addRow(tr("HTTP a&ddress:"), m_httpAddress);
    form->addRow(tr("HTTP p&ort:"), m_httpPort);
    form->addRow(tr("Data&base file:"), makeDatabaseRow(current.databasePath));
    auto* note = new QLabel(tr("127.0.0.1 receives from this computer only, 0.0.0.0 from everywhere. Port 0 picks "
                               "a free port. Applying restarts the collector; data already stored is kept."));
    note->setWordWrap(true);
    note->setStyleSheet(QStringLiteral("color: palette(dark);"));
    m_storage->setObjectName(QStringLiteral("storage"));
    m_storage->setWordWrap(true);
    m_storage->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_storage->hide();
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("&Apply"));
    connect(buttons, &QDialogButtonBox::accepted, this, &SettingsDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &SettingsDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(note);
    layout->addWidget(m_storage);
    layout->addWidget(m_error);
    layout->addWidget(buttons);
    resize(520, sizeHint().height());
}

SettingsDialog::~SettingsDialog() = default;

void SettingsDialog::setStorage(const QString& text)
{
    m_storage->setText(tr("<b>Storage</b>") + QStringLiteral("<br>") + text.toHtmlEscaped().replace(QLatin1Char('\n'), QStringLiteral("<br>")));
    m_storage->setVisible(!text.isEmpty());
    resize(width(), sizeHint().height());
}

QString SettingsDialog::storageText() const
{
    return m_storage->isHidden() ? QString() : m_storage->text();
}

QComboBox* SettingsDialog::makeAddressBox(const QHostAddress& address)
{
    auto* box = new QComboBox;
    box->setEditable(true);
    box->addItems(
        { QStringLiteral("127.0.0.1"), QStringLiteral("0.0.0.0"), QStringLiteral("::1"), QStringLiteral("::") });
    box->setCurrentText(address.toString());
    return box;
}

QSpinBox* SettingsDialog::makePortBox(quint16 port)
{
    auto* box = new QSpinBox;
    box->setRange(0, 65535);
    box->setValue(port);
    box->setSpecialValueText(tr("0 (any free port)"));
    return box;
}

QWidget* SettingsDialog::makeDatabaseRow(const QString& path)
{
    m_database->setText(path);
    m_database->setMinimumWidth(280);
    auto* browse = new QPushButton(tr("&Browse…"));
    connect(browse, &QPushButton::clicked, this, &SettingsDialog::browse);
    auto* row = new QWidget;
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_database, 1);
    layout->addWidget(browse);
    return row;
}

void SettingsDialog::browse()
{
    const QString path = QFileDialog::getSaveFileName(this, tr("Database File"), m_database->text(),
        tr("SQLite databases (*.sqlite *.db);;All files (*)"), nullptr, QFileDialog::DontConfirmOverwrite);
    if (!path.isEmpty())
        m_database->setText(path);
}

ConnectionSettings SettingsDialog::settings() const
{
    return ConnectionSettings { QHostAddress(m_udpAddress->currentText().trimmed()), quint16(m_udpPort->value()),
        QHostAddress(m_httpAddress->currentText().trimmed()), quint16(m_httpPort->value()),
        m_database->text().trimmed() };
}

QString SettingsDialog::validate() const
{
    const ConnectionSettings chosen = settings();
    for (const QComboBox* box : { m_udpAddress, m_httpAddress }) {
        // QHostAddress also takes "45678" (an IPv4 number); nobody means that in a settings field.
        const QString text = box->currentText().trimmed();
        if (QHostAddress(text).isNull() || !(text.contains(u'.') || text.contains(u':')))
            return tr("\"%1\" is not an IP address (for example 127.0.0.1 or 0.0.0.0).").arg(text);
    }
    if (chosen.databasePath.isEmpty())
        return tr("Choose a database file.");
    return {};
}

void SettingsDialog::setError(const QString& message)
{
    m_error->setText(message);
    m_error->setVisible(!message.isEmpty());
}

void SettingsDialog::accept()
{
    const QString problem = validate();
    setError(problem);
    if (problem.isEmpty())
        QDialog::accept();
}

} // namespace Kodemon
