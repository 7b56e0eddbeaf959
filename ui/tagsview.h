// SPDX-License-Identifier: MIT
#pragma once

#include "base/types.h"

#include <QSet>
#include <QWidget>

class QLabel;
class QModelIndex;
class QTreeView;

namespace Kodemon {

class TagValuesModel;

// The "Tags" list beside the statistics: the current function's tags and their most frequent values with calls
// and share. Clicking a value filters by it (`name:value`), Ctrl+click excludes it (`name!:value`); the context
// menu offers both, presence and absence of a tag, and grouping by it.
class TagsView final : public QWidget
{
    Q_OBJECT
public:
    explicit TagsView(TagValuesModel* model, QWidget* parent = nullptr);
    ~TagsView() override;
    Q_DISABLE_COPY_MOVE(TagsView)

    QTreeView* tree() const { return m_tree; }
    void setTitle(const QString& title);
    QString title() const;
    // Shown under the list (instead of it when there are no tags): why they could not be read, say; empty shows
    // the default note when there are no tags.
    void setNote(const QString& note);
    QString note() const;

Q_SIGNALS:
    void filterRequested(const Kodemon::TagFilter& filter);
    void groupByRequested(const QString& tag);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void onReset();
    void showMenu(const QPoint& position);
    void request(const QModelIndex& index, bool exclude);

    TagValuesModel* m_model;
    QLabel* m_heading;
    QLabel* m_note;
    QTreeView* m_tree;
    QString m_explicitNote;
    QSet<QString> m_collapsed; // tags the user folded: kept folded when the list is read again
};

} // namespace Kodemon
