// SPDX-License-Identifier: MIT
// The tag list's gestures: a click on a value filters by it, Ctrl+click excludes it, tag rows are for folding;
// folded tags stay folded when the list is read again; an empty list says why.
#include "base/tagfilter.h"
#include "tagsview.h"
#include "tagvaluesmodel.h"

#include <QSignalSpy>
#include <QTreeView>
#include <QtTest>

using namespace Kodemon;

namespace {

QList<TagSummary> tags()
{
    return { TagSummary { QStringLiteral("endpoint"), 150,
                 { { QStringLiteral("/cart"), 80 }, { QStringLiteral("/home"), 50 } }, 1, false },
        TagSummary { QStringLiteral("error"), 14, { { QStringLiteral("ValueError"), 14 } }, 0, false } };
}

} // namespace

class tst_TagsView : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void init();
    void cleanup();
    void clickFiltersCtrlClickExcludes();
    void tagRowsAndTheRestDoNotFilter();
    void foldedTagsStayFolded();
    void anEmptyListSaysWhy();

private:
    void click(const QModelIndex& index, Qt::KeyboardModifiers modifiers = {});

    std::unique_ptr<TagValuesModel> m_model;
    std::unique_ptr<TagsView> m_view;
};

void tst_TagsView::init()
{
    m_model = std::make_unique<TagValuesModel>();
    m_view = std::make_unique<TagsView>(m_model.get());
    m_view->resize(400, 300);
    m_view->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_view.get()));
    m_model->setTags(tags(), 200);
}

void tst_TagsView::cleanup()
{
    m_view.reset();
    m_model.reset();
}

void tst_TagsView::click(const QModelIndex& index, Qt::KeyboardModifiers modifiers)
{
    QTreeView* tree = m_view->tree();
    QTest::mouseClick(tree->viewport(), Qt::LeftButton, modifiers, tree->visualRect(index).center());
}

void tst_TagsView::clickFiltersCtrlClickExcludes()
{
    QSignalSpy requested(m_view.get(), &TagsView::filterRequested);
    const QModelIndex endpoint = m_model->index(0, 0);
    click(m_model->index(1, 0, endpoint));
    click(m_model->index(0, TagValuesModel::CallsColumn, endpoint), Qt::ControlModifier); // any cell of the row
    click(m_model->index(0, 0, m_model->index(1, 0)));
    QCOMPARE(requested.size(), 3);
    QCOMPARE(formatTagFilter(requested[0][0].value<TagFilter>()), QStringLiteral("endpoint:/home"));
    QCOMPARE(formatTagFilter(requested[1][0].value<TagFilter>()), QStringLiteral("endpoint!:/cart"));
    QCOMPARE(formatTagFilter(requested[2][0].value<TagFilter>()), QStringLiteral("error:ValueError"));
}

void tst_TagsView::tagRowsAndTheRestDoNotFilter()
{
    QSignalSpy requested(m_view.get(), &TagsView::filterRequested);
    const QModelIndex endpoint = m_model->index(0, 0);
    click(endpoint);
    click(m_model->index(2, 0, endpoint)); // "… 1 more values"
    QCOMPARE(requested.size(), 0);
}

void tst_TagsView::foldedTagsStayFolded()
{
    QTreeView* tree = m_view->tree();
    QVERIFY(tree->isExpanded(m_model->index(0, 0)));
    QVERIFY(tree->isExpanded(m_model->index(1, 0)));
    tree->collapse(m_model->index(0, 0));
    m_model->setTags(tags(), 210); // read again, live
    QVERIFY(!tree->isExpanded(m_model->index(0, 0)));
    QVERIFY(tree->isExpanded(m_model->index(1, 0)));
}

void tst_TagsView::anEmptyListSaysWhy()
{
    QCOMPARE(m_view->note(), QString());
    m_model->setTags({}, 20);
    QVERIFY(m_view->tree()->isHidden());
    QVERIFY(m_view->note().startsWith(QStringLiteral("No tags")));
    m_view->setNote(QStringLiteral("Select a function to see its tags."));
    QCOMPARE(m_view->note(), QStringLiteral("Select a function to see its tags."));
    m_view->setNote({});
    m_model->setTags(tags(), 200);
    QVERIFY(!m_view->tree()->isHidden());
    QCOMPARE(m_view->note(), QString());
}

QTEST_MAIN(tst_TagsView)
#include "tst_tagsview.moc"
