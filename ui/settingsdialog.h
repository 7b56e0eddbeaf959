// SPDX-License-Identifier: MIT
#pragma once

#include "connectionsettings.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QSpinBox;

namespace Kodemon {

// Edits where Kodemon listens (UDP, HTTP) and which database file it uses. Accepting checks the input;
// applying (restarting the collector) is the composition root's job.
class SettingsDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit SettingsDialog(const ConnectionSettings& current, QWidget* parent = nullptr);
    ~SettingsDialog() override;
    Q_DISABLE_COPY_MOVE(SettingsDialog)

    ConnectionSettings settings() const;
    // Shows why the last attempt failed, above the buttons.
    void setError(const QString& message);
    // Shows how long data is kept and what is kept now (StorageSummary::describe); hidden until set.
    void setStorage(const QString& text);
    QString storageText() const;

    void accept() override;

private:
    QComboBox* makeAddressBox(const QHostAddress& address);
    QSpinBox* makePortBox(quint16 port);
    QWidget* makeDatabaseRow(const QString& path);
    void browse();
    QString validate() const;

    QComboBox* m_udpAddress;
    QSpinBox* m_udpPort;
    QComboBox* m_httpAddress;
    QSpinBox* m_httpPort;
    QLineEdit* m_database;
    QLabel* m_error;
    QLabel* m_storage;
};

} // namespace Kodemon
