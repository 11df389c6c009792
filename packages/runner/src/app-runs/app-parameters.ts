import { startVariables, type StartInput, type WorkflowDocument } from "@tandem/engine";

const DIFY_CONTROL: Record<StartInput["type"], string> = {
  text: "text-input",
  paragraph: "paragraph",
  select: "select",
  number: "number",
  boolean: "checkbox",
  json: "json",
  file: "file",
};

/**
 * `GET /v1/parameters` as Dify answers it: the app's input form (`user_input_form`, one object per
 * input keyed by its control type) and the features a client may show, so existing Dify clients render
 * the same form.
 */
export function difyParameters(document: WorkflowDocument): Record<string, unknown> {
  return {
    opening_statement: "",
    suggested_questions: [],
    suggested_questions_after_answer: { enabled: false },
    speech_to_text: { enabled: false },
    text_to_speech: { enabled: false },
    retriever_resource: { enabled: true },
    annotation_reply: { enabled: false },
    more_like_this: { enabled: false },
    sensitive_word_avoidance: { enabled: false },
    user_input_form: startVariables(document).map((variable) => ({
      [DIFY_CONTROL[variable.type]]: {
        label: variable.label || variable.name,
        variable: variable.name,
        required: variable.required === true,
        default: variable.default ?? "",
        ...(variable.maxLength === undefined ? {} : { max_length: variable.maxLength }),
        ...(variable.type === "select" ? { options: variable.options ?? [] } : {}),
      },
    })),
    file_upload: { image: { enabled: false, number_limits: 0, transfer_methods: [] } },
    system_parameters: { file_size_limit: 15, image_file_size_limit: 10, audio_file_size_limit: 50, video_file_size_limit: 100, workflow_file_upload_limit: 10 },
  };
}
