// SPDX-License-Identifier: MIT
#include "tagsview.h"

#include "tagvaluesmodel.h"

#include <QHeaderView>
#include <QLabel>
#include <QMenu>
#include <QMouseEvent>
#include <QTreeView>
#include <QVBoxLayout>

namespace Kodemon {

namespace {

using RowKind = TagValuesModel::RowKind;

RowKind kindOf(const QModelIndex& index)
{
    return index.siblingAtColumn(0).data(TagValuesModel::RowKindRole).value<RowKind>();
}

TagFilter filterOf(const QModelIndex& index)
{
    return index.siblingAtColumn(0).data(TagValuesModel::FilterRole).value<TagFilter>();
}

} // namespace

TagsView::TagsView(TagValuesModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_heading(new QLabel(tr("Tags")))
    , m_note(new QLabel)
    , m_tree(new QTreeView)
{
    QFont bold = m_heading->font();
    bold.setBold(true);
    m_heading->setFont(bold);
    m_heading->setToolTip(tr("The extra fields of the current function's calls (tags) and their most frequent values"));
    m_note->setObjectName(QStringLiteral("tagsNote"));
    m_note->setWordWrap(true);
    m_note->setAlignment(Qt::AlignTop | Qt::AlignLeft);
    m_note->setStyleSheet(QStringLiteral("color: palette(mid);"));
    m_tree->setObjectName(QStringLiteral("tagsTree"));
    m_tree->setModel(m_model);
    m_tree->setUniformRowHeights(true);
    m_tree->setAlternatingRowColors(true);
    m_tree->setRootIsDecorated(true);
    m_tree->setSelectionMode(QAbstractItemView::SingleSelection);
    m_tree->setContextMenuPolicy(Qt::CustomContextMenu);
    m_tree->setMouseTracking(true);
    QHeaderView* header = m_tree->header();
    header->setStretchLastSection(false);
    header->setSectionResizeMode(TagValuesModel::NameColumn, QHeaderView::Stretch);
    header->setSectionResizeMode(TagValuesModel::CallsColumn, QHeaderView::ResizeToContents);
    header->setSectionResizeMode(TagValuesModel::ShareColumn, QHeaderView::ResizeToContents);
    m_tree->viewport()->installEventFilter(this);
    connect(m_tree, &QWidget::customContextMenuRequested, this, &TagsView::showMenu);
    connect(m_model, &QAbstractItemModel::modelReset, this, &TagsView::onReset);
    connect(m_tree, &QTreeView::collapsed, this,
        [this](const QModelIndex& index) { m_collapsed.insert(index.data(TagValuesModel::TagNameRole).toString()); });
    connect(m_tree, &QTreeView::expanded, this,
        [this](const QModelIndex& index) { m_collapsed.remove(index.data(TagValuesModel::TagNameRole).toString()); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 6, 0, 0);
    layout->setSpacing(4);
    layout->addWidget(m_heading);
    layout->addWidget(m_tree, 1);
    layout->addWidget(m_note, 1);
    onReset();
}

TagsView::~TagsView() = default;

void TagsView::setTitle(const QString& title)
{
    m_heading->setText(title);
}

QString TagsView::title() const
{
    return m_heading->text();
}

void TagsView::setNote(const QString& note)
{
    m_explicitNote = note;
    onReset();
}

QString TagsView::note() const
{
    return m_note->isHidden() ? QString() : m_note->text();
}

void TagsView::onReset()
{
    const bool empty = m_model->rowCount() == 0;
    m_tree->setVisible(!empty);
    QString text = m_explicitNote;
    if (text.isEmpty() && empty)
        text = tr("No tags: these calls carry no extra fields. Give the decorator keyword arguments, like "
                  "@kodemon(endpoint=\"/cart\"), to filter and group by them.");
    m_note->setText(text);
    m_note->setVisible(!text.isEmpty());
    for (int row = 0; row < m_model->rowCount(); ++row) {
        const QModelIndex index = m_model->index(row, 0);
        m_tree->setExpanded(index, !m_collapsed.contains(index.data(TagValuesModel::TagNameRole).toString()));
    }
}

bool TagsView::eventFilter(QObject* watched, QEvent* event)
{
    if (watched != m_tree->viewport() || event->type() != QEvent::MouseButtonRelease)
        return QWidget::eventFilter(watched, event);
    const auto* mouse = static_cast<QMouseEvent*>(event);
    const QModelIndex index = m_tree->indexAt(mouse->position().toPoint());
    if (mouse->button() == Qt::LeftButton && index.isValid() && kindOf(index) == RowKind::Value)
        request(index, mouse->modifiers().testFlag(Qt::ControlModifier));
    return QWidget::eventFilter(watched, event);
}

void TagsView::request(const QModelIndex& index, bool exclude)
{
    TagFilter filter = filterOf(index);
    if (exclude)
        filter.op = filter.op == TagFilter::Op::Equals ? TagFilter::Op::NotEquals : TagFilter::Op::Absent;
    Q_EMIT filterRequested(filter);
}

void TagsView::showMenu(const QPoint& position)
{
    const QModelIndex index = m_tree->indexAt(position);
    if (!index.isValid() || kindOf(index) == RowKind::More)
        return;
    const TagFilter filter = filterOf(index);
    QMenu menu(this);
    if (kindOf(index) == RowKind::Value) {
        menu.addAction(
            tr("Only Calls With %1:%2").arg(filter.name, filter.value), this, [this, index] { request(index, false); });
        menu.addAction(
            tr("Every Call But %1:%2").arg(filter.name, filter.value), this, [this, index] { request(index, true); });
    } else {
        menu.addAction(tr("Only Calls With %1").arg(filter.name), this, [this, index] { request(index, false); });
        menu.addAction(tr("Only Calls Without %1").arg(filter.name), this, [this, index] { request(index, true); });
    }
    menu.addSeparator();
    const QString tag = filter.name;
    menu.addAction(tr("Group by %1").arg(tag), this, [this, tag] { Q_EMIT groupByRequested(tag); });
    menu.exec(m_tree->viewport()->mapToGlobal(position));
}

} // namespace Kodemon
