"""A week refused by the booking rule anywhere in the Wagtail admin becomes a message."""

from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow

from .weeks.models import AccountBooked


class AccountBookedMiddleware:
    """Paths with no form of ours to check first (approving a workflow step, bulk publishing,
    converting an alias, two editors publishing at the same moment) raise AccountBooked from
    the page's save; the editor gets its message on the week's edit view instead of an error
    page. The refused publishing was rolled back; a revision saved before it stays a draft."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, AccountBooked):
            return None
        for message in exception.messages:
            messages.error(request, message)
        week = exception.week
        url = (
            reverse("wagtailadmin_pages:edit", args=[week.pk])
            if week.pk
            else reverse("wagtailadmin_home")
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # Wagtail's modal workflow (approving with a comment) goes on to this address.
            return render_modal_workflow(
                request, None, None, None, json_data={"step": "success", "redirect": url}
            )
        return redirect(url)
