"""Guest handover: the e-mail that tells a guest what they need for their week.

Sent from the admin, once per guest and week unless an editor resends it on purpose.
"""
