"""Reply templates (issue 11, item 6), an app of its own (label `replies`).

Main agents keep reusable replies per authority (title, rich text with placeholders: « {requerant} »,
« {numero} », « {collectivite} », « {mediateur} ») at /admin/modeles-de-reponse/; any agent inserts one while
composing (the compose page's « Modèle de réponse »: the body opens with it, the placeholders filled for the
case). The case page reads none of them (its query count stays the same).
"""
