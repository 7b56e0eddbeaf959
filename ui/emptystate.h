// SPDX-License-Identifier: MIT
#pragma once

#include <QHostAddress>
#include <QWidget>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace Kodemon {

// What the chart area shows before any data arrived: how to send some, and a button that sends test data.
class EmptyState final : public QWidget
{
    Q_OBJECT
public:
    explicit EmptyState(QWidget* parent = nullptr);
    ~EmptyState() override;
    Q_DISABLE_COPY_MOVE(EmptyState)

    // Where the decorator should send to; the snippet and the text follow it.
    void setEndpoint(const QHostAddress& address, quint16 port);
    // The window views another Kodemon (`--remote`): the text names it, and test data cannot be sent from here.
    void setRemote(const QString& host, const QString& server);
    QString snippet() const;
    QPushButton* sendTestDataButton() const { return m_send; }
    // Feedback after "Send test data" (how many were sent, or why not).
    void setStatus(const QString& text);

    // The decorator usage and environment, for `address`:`port` (also used by the Help menu).
    static QString snippetFor(const QHostAddress& address, quint16 port);
    static QString snippetFor(const QString& host, quint16 port);

Q_SIGNALS:
    void sendTestDataRequested();

private:
    void copySnippet();
    void fitSnippet();

    QLabel* m_heading;
    QLabel* m_intro;
    QPlainTextEdit* m_snippet;
    QPushButton* m_copy;
    QPushButton* m_send;
    QLabel* m_status;
};

} // namespace Kodemon
