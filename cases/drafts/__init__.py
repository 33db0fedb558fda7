"""Drafts of replies and notes kept on the server (issue 11, item 8), an app of its own (label `drafts`).

The case page's composers send what is typed to `draft_save` as the agent writes (static/js/case-page.js);
the case page opens them with the user's drafts of that case, so a closed tab or another device loses
nothing; sending the message or saving the note removes its draft.
"""
