// SPDX-License-Identifier: MIT
#pragma once

#include <optional>
#include <QSortFilterProxyModel>

namespace Kodemon {

// Filters the functions table by a case-insensitive substring of the key and, optionally, one token.
class KeyFilterProxy final : public QSortFilterProxyModel
{
    Q_OBJECT
public:
    explicit KeyFilterProxy(QObject* parent = nullptr);
    ~KeyFilterProxy() override;
    Q_DISABLE_COPY_MOVE(KeyFilterProxy)

    void setText(const QString& text);
    // Only series of `token`; nullopt shows every token.
    void setToken(const std::optional<QString>& token);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;

private:
    QString m_text;
    std::optional<QString> m_token;
};

} // namespace Kodemon
