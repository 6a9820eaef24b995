"""The evaluation survey: a public page, the stored answers and their summary in the admin."""
