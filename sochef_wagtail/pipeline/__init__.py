"""The guest pipeline: the reminder a week before a guest's week, and the announcement when a
week starts (a draft blog post and, optionally, an e-mail to the editors), each sent or created
once by django-q2 schedules, recorded on the week and resendable from the admin.
"""
