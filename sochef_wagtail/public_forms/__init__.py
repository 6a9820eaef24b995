"""What every public form of the app shares, so that all follow the same rules.

Nominations and the evaluation survey both use: a honeypot, a single-use time trap and no
control characters in what visitors send (``forms.ProtectedFormMixin``), a per-IP rate limit
(``rate_limit``), a page that serves the form and redirects to its thank-you text
(``pages.PublicFormPage``), CSV cells that spreadsheets cannot run as formulas in the admin's
exports (``views.SafeExportMixin``) and the retention rule (``models.PublicSubmission``,
``retention.purge_expired``).
"""
