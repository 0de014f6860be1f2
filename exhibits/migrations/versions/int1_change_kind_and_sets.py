"""change log: kind (item or collection) and the OAI-PMH set of each change

Rows written before this revision for items that are still drafts are removed: they told of
records the public never saw (the log now holds only public changes, see exhibits.changes).

Revision ID: int1
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = 'int1'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='item'))
        batch_op.add_column(sa.Column('set_spec', sa.String(length=160), nullable=True))
        batch_op.create_index('ix_change_kind_target', ['kind', 'item_id', 'id'], unique=False)
        batch_op.create_index(batch_op.f('ix_change_set_spec'), ['set_spec'], unique=False)
    op.execute("DELETE FROM change WHERE item_id IN (SELECT id FROM item WHERE publication = 'draft')")
    op.execute(
        "UPDATE change SET set_spec = (SELECT museum.slug || COALESCE(':' || hall.slug, '') FROM item "
        "JOIN museum ON museum.id = item.museum_id LEFT JOIN hall ON hall.id = item.hall_id "
        "WHERE item.id = change.item_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table('change', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_change_set_spec'))
        batch_op.drop_index('ix_change_kind_target')
        batch_op.drop_column('set_spec')
        batch_op.drop_column('kind')
