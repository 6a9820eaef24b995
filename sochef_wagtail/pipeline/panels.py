"""The panel of the pipeline in the guest week's editor."""

from wagtail.admin.panels import Panel


class WeekPipelinePanel(Panel):
    """What the reminder and the announcement of the week did, and a link to send them by
    hand; nothing before the week is first saved."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "sochef_wagtail/admin/panels/week_pipeline.html"

        def is_shown(self):
            return self.instance.pk is not None

        def get_context_data(self, parent_context=None):
            # Imported here: the pipeline's models refer to the week page, whose panels these are.
            from .sending import week_items
            from .views import pipeline_url

            context = super().get_context_data(parent_context)
            context.update(
                week=self.instance,
                items=week_items(self.instance),
                pipeline_url=pipeline_url(self.instance),
            )
            return context
