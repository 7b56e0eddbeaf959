// SPDX-License-Identifier: MIT
#include "functionspanel.h"

#include "keydelegate.h"
#include "keyfilterproxy.h"
#include "keylistmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLineEdit>
#include <QTableView>
#include <QVBoxLayout>

namespace Kodemon {

FunctionsPanel::FunctionsPanel(KeyListModel* model, QWidget* parent)
    : QWidget(parent)
    , m_model(model)
    , m_proxy(new KeyFilterProxy(this))
    , m_filter(new QLineEdit)
    , m_tokens(new QComboBox)
    , m_table(new QTableView)
{
    m_proxy->setSourceModel(m_model);
    m_filter->setObjectName(QStringLiteral("filterEdit"));
    m_filter->setPlaceholderText(tr("Filter functions (Ctrl+F)"));
    m_filter->setClearButtonEnabled(true);
    m_filter->installEventFilter(this);
    m_tokens->setObjectName(QStringLiteral("tokenBox"));
    m_tokens->setToolTip(tr("Show the functions of one token (KODEMON_TOKEN) only"));
    m_tokens->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    connect(m_filter, &QLineEdit::textChanged, m_proxy, &KeyFilterProxy::setText);
    connect(m_tokens, &QComboBox::currentIndexChanged, this, &FunctionsPanel::applyToken);
    connect(m_model, &QAbstractItemModel::rowsInserted, this, &FunctionsPanel::updateTokens);
    connect(m_model, &QAbstractItemModel::rowsRemoved, this, &FunctionsPanel::updateTokens);
    setUpTable();

    auto* top = new QHBoxLayout;
    top->addWidget(m_filter, 1);
    top->addWidget(m_tokens);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(4, 4, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addWidget(m_table, 1);
    updateTokens();
}

FunctionsPanel::~FunctionsPanel() = default;

void FunctionsPanel::setUpTable()
{
    m_table->setObjectName(QStringLiteral("functionsTable"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(KeyListModel::KeyColumn, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setTextElideMode(Qt::ElideMiddle);
    m_table->setItemDelegateForColumn(KeyListModel::KeyColumn, new KeyDelegate(m_table));
    m_table->setWordWrap(false);
    m_table->setAlternatingRowColors(true);
    m_table->setShowGrid(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 8);
    QHeaderView* header = m_table->horizontalHeader();
    applyColumnModes();
    // Sized to the rows on screen: measuring every row's text for each refresh of a thousand functions took
    // 200 ms of the UI thread (Qt's default looks at up to 1,000 rows).
    header->setResizeContentsPrecision(0);
    connect(header, &QHeaderView::sectionResized, this, [this](int column) {
        if (column != KeyListModel::KeyColumn)
            fitKeyColumn();
    });
    m_table->viewport()->installEventFilter(this);
    header->setHighlightSections(false);
    header->setMinimumSectionSize(48);
    auto* copy = new QAction(tr("&Copy Function Name"), m_table);
    copy->setShortcut(QKeySequence::Copy);
    copy->setShortcutContext(Qt::WidgetShortcut);
    connect(copy, &QAction::triggered, this, &FunctionsPanel::copySelection);
    m_table->addAction(copy);
    m_table->setContextMenuPolicy(Qt::ActionsContextMenu);
    showColumns(false, false);
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, &FunctionsPanel::selectionChanged);
    connect(
        m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &FunctionsPanel::selectionChanged);
}

QList<KeyId> FunctionsPanel::selectedKeys() const
{
    QList<KeyId> keys;
    QModelIndexList rows = m_table->selectionModel()->selectedRows(KeyListModel::KeyColumn);
    std::sort(rows.begin(), rows.end(), [](const QModelIndex& a, const QModelIndex& b) { return a.row() < b.row(); });
    const auto current = currentKey();
    if (current && m_table->selectionModel()->isRowSelected(m_table->currentIndex().row(), {}))
        keys.append(*current); // the current key first: it gets the first colour and the statistics
    for (const QModelIndex& row : rows) {
        const auto id = row.data(KeyListModel::KeyIdRole).value<KeyId>();
        if (!keys.contains(id))
            keys.append(id);
    }
    return keys;
}

std::optional<KeyId> FunctionsPanel::currentKey() const
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_table->selectionModel()->isRowSelected(current.row(), {}))
        return std::nullopt;
    return current.siblingAtColumn(KeyListModel::KeyColumn).data(KeyListModel::KeyIdRole).value<KeyId>();
}

void FunctionsPanel::selectKeys(const QList<KeyId>& keys)
{
    QItemSelection selection;
    QModelIndex first;
    for (const auto& id : keys) {
        const int row = m_model->rowOf(id);
        if (row < 0)
            continue;
        const QModelIndex index = m_proxy->mapFromSource(m_model->index(row, 0));
        if (!index.isValid())
            continue;
        selection.select(index, index.siblingAtColumn(KeyListModel::ColumnCount - 1));
        first = first.isValid() ? first : index;
    }
    if (!first.isValid())
        return;
    auto* model = m_table->selectionModel();
    model->setCurrentIndex(first, QItemSelectionModel::NoUpdate);
    model->select(selection, QItemSelectionModel::ClearAndSelect);
    m_table->scrollTo(first);
}

void FunctionsPanel::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

void FunctionsPanel::updateTokens()
{
    const QStringList tokens = m_model->tokens();
    const QString chosen = m_tokens->currentIndex() > 0 ? m_tokens->currentData().toString() : QString();
    const QSignalBlocker blocker(m_tokens);
    m_tokens->clear();
    m_tokens->addItem(tr("All tokens"));
    for (const QString& token : tokens)
        m_tokens->addItem(token.isEmpty() ? tr("(no token)") : token, token);
    const int index = chosen.isNull() ? 0 : m_tokens->findData(chosen);
    m_tokens->setCurrentIndex(std::max(0, index));
    m_tokens->setVisible(tokens.size() > 1);
    applyToken();
}

void FunctionsPanel::applyToken()
{
    const auto token
        = m_tokens->currentIndex() > 0 ? std::optional<QString>(m_tokens->currentData().toString()) : std::nullopt;
    m_proxy->setToken(token);
    if (token == m_token)
        return; // the table grew: the same choice
    m_token = token;
    Q_EMIT tokenChanged();
}

void FunctionsPanel::applyColumnModes()
{
    // The function column takes the width the numbers leave, but never so little that paths become "v…l": then
    // the table scrolls sideways (a stretched column shrinks to nothing when the numbers need the whole pane).
    QHeaderView* header = m_table->horizontalHeader();
    header->setSectionResizeMode(KeyListModel::KeyColumn, QHeaderView::Fixed);
    for (int column = KeyListModel::GroupColumn; column < KeyListModel::ColumnCount; ++column)
        header->setSectionResizeMode(column, QHeaderView::ResizeToContents);
    fitKeyColumn();
}

void FunctionsPanel::fitKeyColumn()
{
    const QHeaderView* header = m_table->horizontalHeader();
    int numbers = 0;
    for (int column = 0; column < KeyListModel::ColumnCount; ++column) {
        if (column != KeyListModel::KeyColumn && !header->isSectionHidden(column))
            numbers += header->sectionSize(column);
    }
    const int least = m_table->fontMetrics().averageCharWidth() * 24;
    const int width = std::max(least, m_table->viewport()->width() - numbers);
    if (header->sectionSize(KeyListModel::KeyColumn) != width)
        m_table->horizontalHeader()->resizeSection(KeyListModel::KeyColumn, width);
}

bool FunctionsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_table->viewport() && event->type() == QEvent::Resize)
        fitKeyColumn();
    if (watched != m_filter || event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const int key = static_cast<QKeyEvent*>(event)->key();
    if (key == Qt::Key_Escape && !m_filter->text().isEmpty()) {
        m_filter->clear();
        return true;
    }
    if (key == Qt::Key_Down || key == Qt::Key_Return || key == Qt::Key_Enter) {
        // From the filter straight into the list: the first match becomes selected.
        m_table->setFocus(Qt::TabFocusReason);
        if (!currentKey() && m_proxy->rowCount() > 0)
            m_table->selectRow(0);
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void FunctionsPanel::addTableAction(QAction* action)
{
    m_table->addAction(action);
}

void FunctionsPanel::copySelection() const
{
    QStringList keys;
    for (const auto& id : selectedKeys())
        keys.append(id.key);
    if (!keys.isEmpty())
        QApplication::clipboard()->setText(keys.join(u'\n'));
}

QByteArray FunctionsPanel::headerState() const
{
    return m_table->horizontalHeader()->saveState();
}

void FunctionsPanel::restoreHeaderState(const QByteArray& state)
{
    m_table->horizontalHeader()->restoreState(state);
    applyColumnModes(); // a state saved by an older version may bring its own
    showColumns(m_split, m_comparing); // a state saved while split or comparing hides nothing it should not
}

void FunctionsPanel::showColumns(bool split, bool comparing)
{
    m_split = split;
    m_comparing = comparing;
    m_table->setColumnHidden(KeyListModel::GroupColumn, !split);
    m_table->setColumnHidden(KeyListModel::P95ChangeColumn, !comparing);
    m_table->setColumnHidden(KeyListModel::CallsChangeColumn, !comparing);
    fitKeyColumn();
}

} // namespace Kodemon
