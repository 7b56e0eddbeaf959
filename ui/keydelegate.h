// SPDX-License-Identifier: MIT
#pragma once

#include <QFont>
#include <QHash>
#include <QStyledItemDelegate>

class QFontMetrics;

namespace Kodemon {

// Draws keys (module paths) elided in the middle of the path, keeping the file and function whole where they fit:
// "/srv/…/views.py-fetch_latest" rather than "/srv/app/v…fetch_latest".
class KeyDelegate final : public QStyledItemDelegate
{
    Q_OBJECT
public:
    explicit KeyDelegate(QObject* parent = nullptr);
    ~KeyDelegate() override;
    Q_DISABLE_COPY_MOVE(KeyDelegate)

    static QString elide(const QString& key, const QFontMetrics& metrics, int width);
    // elide() in `font`, remembered per key and width: what the table draws.
    QString elided(const QString& key, const QFont& font, int width) const;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override;

private:
    mutable QHash<std::pair<QString, int>, QString> m_elided; // (key, width) -> what elide() made of it
    mutable QFont m_elidedFont; // the font m_elided was measured in
};

} // namespace Kodemon
